// The AnkiConnect facts the test server relies on are documented inside the repository (docs/ankiconnect.md,
// with the add-on revision they were read from), and nothing points at a path outside the repository.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatMessage, msg } from '../../src/messages';

const root = new URL('../../', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const rel = join(dir, name);
    return statSync(join(root, rel)).isDirectory() ? files(rel) : [rel];
  });
}

describe('AnkiConnect facts', () => {
  it('docs/ankiconnect.md names the add-on source revision, and the test server points to it', () => {
    const page = readFileSync(join(root, 'docs/ankiconnect.md'), 'utf8');
    expect(page).toMatch(/revision \*\*`532a3c8`\*\*/);
    expect(readFileSync(join(root, 'test/server/README.md'), 'utf8')).toContain('docs/ankiconnect.md');
  });
  it('no source, test or doc file refers to a path outside the repository', () => {
    const all = ['README.md', ...files('docs'), ...files('src'), ...files('test'), ...files('scripts')].filter((f) => /\.(ts|mts|mjs|md)$/.test(f));
    const outside = all.filter((f) => /\/work\/shared|\.\.\/shared\//.test(readFileSync(join(root, f), 'utf8')));
    expect(outside).toEqual([]);
  });
});

describe('README troubleshooting', () => {
  it('every message it quotes is one the extension really shows (a template of the l10n bundle)', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Troubleshooting'), readme.indexOf('\n## ', readme.indexOf('## Troubleshooting') + 5));
    // The bundle's templates, and the English of the core's messages whose arguments are words of their own.
    const bundle = [
      ...Object.keys(JSON.parse(readFileSync(join(root, 'l10n/bundle.l10n.json'), 'utf8')) as Record<string, string>),
      formatMessage(msg('fieldsNotKept', msg('field', 'Back'))),
    ];
    // "quoted text" at the start of an item or after a slash; "…" stands for any text, "(…)" for VS Code's detail.
    const quoted = [...section.matchAll(/(?:^- \*\*|\/ )"([^"]+)"/gm)].map((m) => m[1] as string);
    expect(quoted.length).toBeGreaterThanOrEqual(5);
    const vscodeOwn = /^Unable to write file/; // VS Code's wrapper around a failed save, not ours
    for (const q of quoted.filter((x) => !vscodeOwn.test(x))) {
      const parts = q.split('…').map((p) => p.trim()).filter((p) => p !== '');
      const found = bundle.some((m) => {
        let at = 0;
        for (const p of parts) {
          const i = m.indexOf(p, at);
          if (i < 0) return false;
          at = i + p.length;
        }
        return true;
      });
      expect(found, q).toBe(true);
    }
  });
});
