// One way to replace a file so that a crash never leaves it torn: write a temporary file beside it, fsync it,
// then rename it over the file (the rename is atomic on one file system). Used by the offline cache and the
// queue of saves waiting for Anki. Pure Node; no `vscode`.
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';

/** Replaces `file` with `text` atomically (temp file + fsync + rename); the temp file is removed on failure. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await fsp.open(tmp, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}
