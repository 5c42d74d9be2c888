// Every runtime string passed to vscode.l10n.t (or its alias `t`) in src/, and every template of the core's
// message catalog (src/messages.ts), is in l10n/bundle.l10n.json, the source bundle translators start from;
// no stale entries. Regenerate with: UPDATE_L10N=1 npx vitest run test/unit/ui/l10n.test.ts
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../../../src/messages';

const root = new URL('../../../', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** String literals given as the first argument of `t(…)`, `l10n.t(…)` or `vscode.l10n.t(…)`. */
function messages(): Set<string> {
  const out = new Set<string>();
  for (const file of sourceFiles(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    if (!/\bl10n\b/.test(text)) continue;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression.getText(sf);
        const arg = node.arguments[0];
        if ((callee === 't' || callee.endsWith('l10n.t')) && arg && ts.isStringLiteralLike(arg)) out.add(arg.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  // The core's messages: src/ui/messages.ts `localize` passes each code's English template to vscode.l10n.t.
  for (const [code, template] of Object.entries(MESSAGES)) if (code !== 'text') out.add(template);
  return out;
}

describe('l10n bundle', () => {
  it('l10n/bundle.l10n.json holds exactly the runtime strings of src/', () => {
    const found = messages();
    expect(found.size).toBeGreaterThan(50);
    const path = join(root, 'l10n/bundle.l10n.json');
    if (process.env['UPDATE_L10N']) {
      const bundle = Object.fromEntries([...found].sort().map((m) => [m, m]));
      writeFileSync(path, JSON.stringify(bundle, null, 2) + '\n');
    }
    const bundle = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
    expect(Object.keys(bundle).sort(), 'regenerate: UPDATE_L10N=1 npx vitest run test/unit/ui/l10n.test.ts').toEqual([...found].sort());
    for (const [k, v] of Object.entries(bundle)) {
      // Placeholders must survive translation.
      const ph = (s: string): string[] => [...s.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort();
      expect(ph(v), k).toEqual(ph(k));
    }
  });

  it('every core message code has a bundle entry whose placeholders are the template\'s', () => {
    const bundle = JSON.parse(readFileSync(join(root, 'l10n/bundle.l10n.json'), 'utf8')) as Record<string, string>;
    const ph = (x: string): string[] => [...new Set([...x.matchAll(/\{\d+\}/g)].map((m) => m[0]))].sort();
    for (const [code, template] of Object.entries(MESSAGES)) {
      if (code === 'text') continue; // text that is not ours (Anki's own words) is shown as it is
      expect(bundle[template], code).toBeDefined();
      expect(ph(bundle[template] as string), code).toEqual(ph(template));
      // placeholders are {0}…{n-1}, none skipped (an argument without a place would be lost)
      const n = ph(template).length;
      expect(ph(template), code).toEqual(Array.from({ length: n }, (_, i) => `{${i}}`).sort());
    }
  });
});
