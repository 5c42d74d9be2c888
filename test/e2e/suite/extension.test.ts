// Activation, registration and configuration, checked inside the real extension host.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, anki, ankiUri, EXTENSION_ID, SCHEME, testServer } from './helpers';

interface ManifestCommand {
  command: string;
}

describe('Anki Files in a real VS Code extension host', () => {
  it('the harness passes the test server to the extension host, and it answers', async () => {
    const { url } = testServer();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(await anki('version'), 6);
  });

  it('activates, in test mode, with ankiFiles.url pointing at the test server', async () => {
    const ext = await activateExtension();
    assert.equal(ext.isActive, true);
    assert.equal(ext.id, EXTENSION_ID);
    // machine-scoped setting written by the runner; the extension must see the test server, not 127.0.0.1:8765
    assert.equal(vscode.workspace.getConfiguration('ankiFiles').get<string>('url'), testServer().url);
  });

  it('registers every ankiFiles.* command the manifest contributes', async () => {
    const ext = await activateExtension();
    const contributes = (ext.packageJSON as { contributes?: { commands?: ManifestCommand[] } }).contributes;
    const declared = (contributes?.commands ?? []).map((c) => c.command);
    assert.ok(declared.length > 0, 'the manifest declares no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `commands declared in package.json but not registered: ${missing.join(', ')}`);
  });

  it('registers the anki: file system provider (writable, root is a directory)', async () => {
    await activateExtension();
    assert.equal(vscode.workspace.fs.isWritableFileSystem(SCHEME), true, 'no writable file system for scheme anki');
    const st = await vscode.workspace.fs.stat(ankiUri('/'));
    assert.equal(st.type & vscode.FileType.Directory, vscode.FileType.Directory);
  });
});
