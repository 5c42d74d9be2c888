// Pure parts of the save history: which batch Undo/Redo pick, undo plans, crash checks, a note's versions.
import { formatMessage } from '../../../src/messages';
import { describe, expect, it } from 'vitest';
import { contentHash } from '../../../src/core/snapshot';
import type { BatchRecord, OutcomeRecord } from '../../../src/journal/format';
import { checkInterrupted, intendedState, noteVersions, planUndo, redoTarget, snapshotOf, undoTarget } from '../../../src/journal/history';
import type { BatchEntry } from '../../../src/journal/journal';

const KEY = { url: 'u', profile: 'p' };
const entry = (id: string, kind: BatchEntry['kind'], of?: string, saved = true): BatchEntry => ({
  id,
  at: 0,
  key: KEY,
  kind,
  ...(of !== undefined ? { of } : {}),
  noteIds: [1],
  acked: false,
  segment: 's',
  offset: 0,
  length: 0,
  outcome: { v: 1, t: 'outcome', id, at: 0, notes: [{ id: 1, kind: saved ? 'saved' : 'conflict' }] },
});
/** Newest first, as Journal.list gives them. */
const newestFirst = (...es: BatchEntry[]) => [...es].reverse();

describe('undo and redo targets (a stack, as in an editor)', () => {
  it('undo takes the newest save not undone; a save whose notes all failed is not a target', () => {
    const A = entry('A', 'save');
    const B = entry('B', 'save');
    const F = entry('F', 'save', undefined, false);
    expect(undoTarget(newestFirst(A, B, F))?.id).toBe('B');
    const U1 = entry('U1', 'undo', 'B');
    expect(undoTarget(newestFirst(A, B, U1))?.id).toBe('A');
    expect(redoTarget(newestFirst(A, B, U1))?.id).toBe('U1');
  });

  it('undo A, undo B, redo, redo: the undos are redone newest first; then nothing to redo', () => {
    const A = entry('A', 'save');
    const B = entry('B', 'save');
    const U1 = entry('U1', 'undo', 'B');
    const U2 = entry('U2', 'undo', 'A');
    expect(redoTarget(newestFirst(A, B, U1, U2))?.id).toBe('U2');
    const R1 = entry('R1', 'redo', 'U2');
    expect(redoTarget(newestFirst(A, B, U1, U2, R1))?.id).toBe('U1');
    expect(undoTarget(newestFirst(A, B, U1, U2, R1))?.id).toBe('R1');
    const R2 = entry('R2', 'redo', 'U1');
    expect(redoTarget(newestFirst(A, B, U1, U2, R1, R2))).toBeUndefined();
  });

  it('a new save after an undo ends the redo chain', () => {
    const A = entry('A', 'save');
    const U = entry('U', 'undo', 'A');
    const C = entry('C', 'save');
    expect(redoTarget(newestFirst(A, U, C))).toBeUndefined();
  });

  it('a batch without an outcome (interrupted) can still be undone', () => {
    const A = { ...entry('A', 'save') };
    delete A.outcome;
    expect(undoTarget([A])?.id).toBe('A');
  });
});

const before = { noteType: 'Basic', deck: 'D', tags: ['a'], fields: [['Front', 'f'], ['Back', 'old']] as [string, string][], mod: 3, cards: [11] };
const rec = (notes: BatchRecord['notes'], kind: BatchRecord['kind'] = 'save'): BatchRecord => ({ v: 1, t: 'batch', id: 'b', at: 5, key: KEY, kind, notes });
const out = (notes: OutcomeRecord['notes']): OutcomeRecord => ({ v: 1, t: 'outcome', id: 'b', at: 6, notes });

describe('planUndo', () => {
  it('bases each note on what the batch wrote (its verified hash) and edits it back to the state before', () => {
    const change = { fields: { Back: 'new' }, tags: ['a', 'b'], deck: 'E' };
    const after = intendedState(before, change);
    const plan = planUndo(rec([{ id: 1, before, change }]), out([{ id: 1, kind: 'saved', hash: contentHash(after) }]), { kind: 'undo', of: 'b' });
    expect(plan.skipped).toEqual([]);
    expect(plan.requests).toHaveLength(1);
    const r = plan.requests[0];
    expect(r?.base?.hash).toBe(contentHash(after));
    expect(r?.base?.snapshot).toMatchObject({ id: 1, deck: 'E', tags: ['a', 'b'], fields: [['Front', 'f'], ['Back', 'new']], cards: [11] });
    expect(r?.edited).toEqual({ id: 1, deck: 'D', noteType: 'Basic', tags: ['a'], fields: [['Front', 'f'], ['Back', 'old']] });
    expect(r?.meta).toEqual({ kind: 'undo', of: 'b' });
  });

  it('uses the version Anki actually kept when the outcome recorded one (normalisation, tag case)', () => {
    const kept = { ...intendedState(before, { tags: ['A'] }), tags: ['a'] };
    const plan = planUndo(rec([{ id: 1, before, change: { tags: ['A'] } }]), out([{ id: 1, kind: 'saved', hash: contentHash(kept), after: kept }]), {});
    expect(plan.requests[0]?.base?.snapshot.tags).toEqual(['a']);
  });

  it('skips notes the batch did not save; created notes are deleted, deleted notes re-added', () => {
    const plan = planUndo(
      rec([
        { id: 1, before, change: { fields: { Back: 'x' } } },
        { id: 0, created: before },
        { id: 7, before },
      ]),
      out([
        { id: 1, kind: 'conflict', message: 'changed' },
        { id: 0, kind: 'saved', newId: 99 },
      ]),
      {},
    );
    expect(plan.requests).toEqual([]);
    expect(plan.skipped).toEqual([{ id: 1, reason: 'notSaved', detail: 'changed' }]);
    expect(plan.toDelete).toEqual([{ id: 99, state: before }]);
    expect(plan.toReAdd).toEqual([{ id: 7, state: before }]);
  });
});

describe('checkInterrupted', () => {
  it('tells notes with the new content, the old content, other content, and gone', () => {
    const change = { fields: { Back: 'new' } };
    const r = rec([1, 2, 3, 4].map((id) => ({ id, before, change })));
    const cur = new Map([
      [1, snapshotOf(1, intendedState(before, change))],
      [2, snapshotOf(2, before)],
      [3, snapshotOf(3, { ...before, fields: [['Front', 'f'], ['Back', 'third']] })],
    ]);
    expect(checkInterrupted(r, (id) => cur.get(id))).toEqual({ applied: [1], notApplied: [2], other: [3], missing: [4] });
  });
});

describe('noteVersions', () => {
  it('newest first; an edit made elsewhere between two saves shows as its own version', () => {
    const s1 = intendedState(before, { fields: { Back: 'v1' } });
    const elsewhere = { ...s1, fields: [['Front', 'f'], ['Back', 'in Anki']] as [string, string][] };
    const records = [
      { rec: { ...rec([{ id: 1, before, change: { fields: { Back: 'v1' } } }]), id: 'b1', at: 1 }, outcome: out([{ id: 1, kind: 'saved' }]) },
      { rec: { ...rec([{ id: 1, before: elsewhere, change: { tags: ['z'] } }]), id: 'b2', at: 2 }, outcome: out([{ id: 1, kind: 'saved' }]) },
      // written but not verified (e.g. the note was open in Anki's Browser): no "after" version
      { rec: { ...rec([{ id: 1, before: { ...elsewhere, tags: ['z'] }, change: { fields: { Back: 'lost' } } }]), id: 'b3', at: 3 }, outcome: out([{ id: 1, kind: 'verifyFailed' }]) },
    ];
    const v = noteVersions(1, records);
    expect(v.map((x) => [x.batchId, x.side, x.state.fields[1]?.[1], x.state.tags.join(' ')])).toEqual([
      ['b2', 'after', 'in Anki', 'z'],
      ['b2', 'before', 'in Anki', 'a'],
      ['b1', 'after', 'v1', 'a'],
      ['b1', 'before', 'old', 'a'],
    ]);
    expect(v.map((x) => x.changes.map((c) => formatMessage(c)))).toEqual([['tags'], ['field Back'], ['field Back'], []]);
  });
});
