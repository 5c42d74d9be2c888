// Find and replace benchmark, pure part: planning a replacement over N notes and building the refactor
// preview's text edits for 1,000 changed notes (what runs in the extension host before VS Code's preview opens).
//
//   npx tsx test/bench/replace.ts [--notes 1000] [--runs 5]
//
// Notes come from the test server's sample generator (real-looking HTML fields, several note types).
import { renderNote } from '../../src/notes/document';
import type { NoteSnapshot } from '../../src/notes/model';
import { documentEdits } from '../../src/replace/edits';
import { compileMatcher } from '../../src/replace/engine';
import { planReplace } from '../../src/replace/plan';
import { generateCollection } from '../server';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
};
const N = Number(opt('notes', '1000'));
const RUNS = Math.max(1, Number(opt('runs', '5')));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

const col = generateCollection({ notes: N, seed: 1 });
const notes: NoteSnapshot[] = [...col.notes.values()].slice(0, N).map((n, i) => {
  const fields = col.fieldsOf(n);
  return {
    id: n.id,
    deck: col.deckOf(n) ?? 'Default',
    noteType: col.modelOf(n)?.name ?? 'Basic',
    tags: [...n.tags],
    // every note gets one marker so all N notes change
    fields: Object.entries(fields).map(([k, v], j): [string, string] => [k, j === 0 ? `${v} MARK${i}` : v]),
    cards: [],
  };
});

for (const textOnly of [false, true]) {
  const m = compileMatcher({ find: 'MARK(\\d+)', replace: 'marker $1', regex: true, textOnly });
  if (!m.ok) throw new Error('no matcher');
  const plan: number[] = [];
  const edits: number[] = [];
  let changed = 0;
  let editCount = 0;
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    const p = planReplace(notes, m.matcher, { kind: 'allFields' });
    const t1 = performance.now();
    let k = 0;
    for (const c of p.changes) k += documentEdits(c, renderNote).edits.length;
    const t2 = performance.now();
    plan.push(t1 - t0);
    edits.push(t2 - t1);
    changed = p.changes.length;
    editCount = k;
  }
  console.log(
    `textOnly=${textOnly}: ${N} notes, ${changed} changed, ${editCount} edits — plan ${median(plan).toFixed(1)} ms, preview edits ${median(edits).toFixed(1)} ms (${((median(edits) * 1000) / changed).toFixed(0)} µs/note), median of ${RUNS}`,
  );
}
