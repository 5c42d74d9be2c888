#!/usr/bin/env node
// Opt-in: the same in-host mocha suite (out/e2e/suite/index.js) in DESKTOP VS Code through @vscode/test-electron.
// It downloads VS Code from update.code.visualstudio.com, so it works only on a machine that can reach it (and
// has a display or xvfb-run). On the project's CI/dev machines that host is unreachable: this script then fails
// with the download error, which is expected; `npm run test:e2e` (code-server) is the tier that runs there.
// Env: VSCODE_VERSION (default 'stable'), VSCODE_EXECUTABLE (use an installed VS Code instead of downloading).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { cleanup, installExitHandlers, onFinalCleanup, root, startTestServer } from './lib/harness.mjs';

const suite = path.join(root, 'out/e2e/suite/index.js');
if (!fs.existsSync(suite) || !fs.existsSync(path.join(root, 'dist/extension.js'))) {
  console.error('test:desktop: run `node esbuild.mjs --tests` first');
  process.exit(1);
}
installExitHandlers({ name: 'test:desktop', overallTimeoutMs: 20 * 60 * 1000 });

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'anki-files-desktop-'));
onFinalCleanup(() => fs.rmSync(tmp, { recursive: true, force: true }));
const userDataDir = path.join(tmp, 'user-data');
const workspace = path.join(tmp, 'workspace');
fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
fs.mkdirSync(workspace, { recursive: true });

let code = 1;
try {
  const server = await startTestServer({ notes: 300, seed: 7, logFile: path.join(root, 'test-results/e2e/desktop-test-server.log') });
  fs.writeFileSync(path.join(userDataDir, 'User/settings.json'), JSON.stringify({ 'ankiFiles.url': server.url, 'files.autoSave': 'off', 'security.workspace.trust.enabled': false }, null, 2));
  code = await runTests({
    version: process.env.VSCODE_VERSION || 'stable',
    ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : {}),
    extensionDevelopmentPath: root,
    extensionTestsPath: suite,
    launchArgs: [workspace, '--disable-extensions', `--user-data-dir=${userDataDir}`, '--disable-workspace-trust'],
    extensionTestsEnv: {
      ANKI_FILES_TEST_SERVER: server.url,
      ANKI_FILES_TEST_CONTROL: server.controlUrl,
      ANKI_FILES_E2E_RESULTS: path.join(root, 'test-results/e2e/desktop-results.jsonl'),
    },
  });
} catch (e) {
  console.error(`test:desktop: ${e instanceof Error ? e.message : e}`);
  console.error('test:desktop: desktop VS Code could not be downloaded or started (expected where update.code.visualstudio.com is unreachable; use `npm run test:e2e`).');
  code = 1;
} finally {
  await cleanup();
}
process.exit(code);
