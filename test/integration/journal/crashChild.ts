// A child process for the crash tests (test/integration/journal/history.test.ts): saves notes through the real engine
// with the save journal, against the test server at $URL, and stops dead at a hook point so the parent can
// SIGKILL it there:
//   MODE=afterRecord  the batch record is on disk, the write request not sent yet
//   MODE=afterApply   the write request was answered, its outcome not journaled yet
// First it completes one save of note $DONE (so the journal holds a finished batch too), then saves $NOTES
// (JSON [{id, front}]) as one batch, changing Back to "crash <id>", and prints RECORDED / APPLIED at the hook.
import { AnkiClient } from '../../../src/anki/client';
import { notesCodec } from '../../../src/core/codec';
import { FsEngine, type EngineJournal } from '../../../src/core/fsEngine';
import { SaveHistory } from '../../../src/journal/history';
import { Journal } from '../../../src/journal/journal';
import { notePath } from '../../../src/notes/paths';

const env = (k: string): string => {
  const v = process.env[k];
  if (v === undefined) throw new Error(`${k} is not set`);
  return v;
};
const url = env('URL');
const mode = env('MODE');
const deck = env('DECK');
const notes = JSON.parse(env('NOTES')) as Array<{ id: number; front: string }>;
const done = JSON.parse(env('DONE')) as { id: number; front: string };

const never = new Promise<never>(() => undefined);
const client = new AnkiClient({ url });
const history = new SaveHistory({ journal: new Journal({ dir: env('DIR') }), url: () => url });
let armed = false;
const journal: EngineJournal = {
  record: async (b) => {
    const id = await history.record(b);
    if (armed && mode === 'afterRecord') {
      process.stdout.write(`RECORDED ${id}\n`);
      return never;
    }
    return id;
  },
  outcome: async (id, o) => {
    if (armed && mode === 'afterApply') {
      process.stdout.write(`APPLIED ${id}\n`);
      return never;
    }
    return history.outcome(id, o);
  },
  recordCreate: (n) => history.recordCreate(n),
  createOutcome: (id, r) => history.createOutcome(id, r),
  recordDelete: (n, m) => history.recordDelete(n, m),
  deleteOutcome: (id, n, e) => history.deleteOutcome(id, n, e),
  recordChanges: (n, l) => history.recordChanges(n, l),
  changesOutcome: (id, n, e) => history.changesOutcome(id, n, e),
};
const engine = new FsEngine({ client: () => client, codec: notesCodec, journal, canonicalDelayMs: 5 });

async function edit(id: number, front: string, back: string): Promise<void> {
  const path = notePath(deck, front, id);
  const text = new TextDecoder().decode(await engine.readFile(path));
  await engine.writeFile(path, new TextEncoder().encode(text.replace(/Back: .*/, `Back: ${back}`)), { create: false, overwrite: true });
}

/** Reads every note first, then writes them all at once (one batch). */
async function editAll(list: Array<{ id: number; front: string }>, back: (id: number) => string): Promise<void> {
  const texts = await Promise.all(list.map(async (n) => new TextDecoder().decode(await engine.readFile(notePath(deck, n.front, n.id)))));
  await engine.saver.saveBatch(
    list.map((n, i) => {
      const base = engine.store.base(n.id);
      if (!base) throw new Error(`note ${n.id} not loaded`);
      const parsed = notesCodec.parse((texts[i] as string).replace(/Back: .*/, `Back: ${back(n.id)}`), base.snapshot);
      if (!parsed.ok) throw new Error(parsed.problems[0]?.message);
      return { noteId: n.id, edited: parsed.note };
    }),
  );
}

async function main(): Promise<void> {
  await edit(done.id, done.front, `finished ${done.id}`);
  process.stdout.write('DONE\n');
  armed = true;
  await editAll(notes, (id) => `crash ${id}`);
  process.stdout.write('UNEXPECTED: the batch completed\n');
}
main().catch((e: unknown) => {
  process.stdout.write(`ERROR ${String(e)}\n`);
  process.exit(1);
});
