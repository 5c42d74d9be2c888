// The AnkiConnect facts the test server relies on are documented inside the repository (docs/ankiconnect.md,
// with the add-on revision they were read from), and nothing points at a path outside the repository.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

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
