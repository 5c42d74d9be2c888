// The VS Code this run uses: the runner (scripts/run-e2e.mjs, E2E_VSCODE) passes the runtime it started, so a
// pass on the "1.90" runtime is known to have run in VS Code 1.90 and not silently in another one.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension } from './helpers';

/** major * 1e6 + minor * 1e3 + patch of a version like `1.90.2` or a range like `^1.90.0`. */
function rank(version: string): number {
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(version);
  assert.ok(m, `not a version: "${version}"`);
  return Number(m[1]) * 1e6 + Number(m[2]) * 1e3 + Number(m[3]);
}

describe('VS Code runtime', () => {
  it('is the VS Code and Node the runner started, at least the engines.vscode minimum (exactly its minor in the oldest pass)', async () => {
    const expected = process.env.ANKI_FILES_E2E_VSCODE_VERSION;
    assert.ok(expected, 'the runner did not pass ANKI_FILES_E2E_VSCODE_VERSION');
    assert.equal(vscode.version, expected);
    const node = process.env.ANKI_FILES_E2E_NODE_VERSION;
    assert.ok(node, 'the runner did not pass ANKI_FILES_E2E_NODE_VERSION');
    assert.equal(process.version, node);

    const ext = await activateExtension();
    const engine = (ext.packageJSON as { engines?: { vscode?: string } }).engines?.vscode;
    assert.ok(engine, 'the manifest has no engines.vscode');
    assert.ok(rank(vscode.version) >= rank(engine), `VS Code ${vscode.version} is older than engines.vscode ${engine}`);
    if (process.env.ANKI_FILES_E2E_OLDEST_VSCODE === '1') {
      // the "oldest" pass must run the minor version engines.vscode names, or it tests a claim nobody makes
      const minor = (v: string): number => Math.floor(rank(v) / 1e3);
      assert.equal(minor(vscode.version), minor(engine), `the oldest runtime is VS Code ${vscode.version}, but engines.vscode is ${engine}`);
    }
  });
});
