// Entry point loaded by the VS Code extension host (extensionTestsPath = out/e2e/suite/index.js).
// Bundled by `node esbuild.mjs --tests`; `vscode` and `mocha` stay external (mocha resolves from the repo's
// node_modules, which is an ancestor of out/).
//
// Per-test results are appended as JSON lines to $ANKI_FILES_E2E_RESULTS (set by scripts/run-e2e.mjs on the
// code-server process; the extension host inherits it), so the runner can print and count them.
import * as fs from 'node:fs';
import { mocha } from './mochaSetup';
// Test modules: import each one here (static imports keep them in the bundle, after mochaSetup).
import './extension.test';
import './fileSystem.test';
import './saveAndFaults.test';
import './commands.test';
import './decksView.test';
import './history.test';
import './findReplace.test';
import './streamDocument.test';
import './media.test';
import './mediaEditor.test';
import './preview.test';
import './runtime.test';
import './conflict.test';
import './noteTabs.test';
import './editing.test';
import './offline.test';
import './decksAndTags.test';
import './bulkActions.test';
// Save All under load: `npm test` runs it in a VS Code of its own (scripts/test-all.mjs), on notes no other test
// touched; it saves 100 notes three times, then puts them back as they were
import './saveBatching.test';

interface ResultLine {
  phase: 'ext';
  title: string;
  state: 'passed' | 'failed' | 'pending';
  ms?: number;
  error?: string;
}

function record(line: ResultLine): void {
  const file = process.env.ANKI_FILES_E2E_RESULTS;
  if (!file) return;
  try {
    fs.appendFileSync(file, JSON.stringify(line) + '\n');
  } catch (e) {
    console.error('e2e: cannot write results file', e);
  }
}

interface RunnableLike {
  fullTitle(): string;
  duration?: number;
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    // node:assert puts the diff in the message; keep it and the first frames of the stack
    const lines = (err.stack ?? `${err.name}: ${err.message}`).split('\n');
    const firstFrame = lines.findIndex((l) => /^\s+at /.test(l));
    return (firstFrame < 0 ? lines : lines.slice(0, firstFrame + 4)).join('\n');
  }
  return String(err);
}

export function run(): Promise<void> {
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const total = runner.stats ? runner.stats.passes + runner.stats.failures : 0;
      console.log(`extension-host: ${total - failures} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} in-host test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t: RunnableLike) => record({ phase: 'ext', title: t.fullTitle(), state: 'passed', ms: t.duration ?? 0 }));
    runner.on('fail', (t: RunnableLike, err: unknown) =>
      record({ phase: 'ext', title: t.fullTitle(), state: 'failed', ms: t.duration ?? 0, error: errorText(err) }),
    );
    runner.on('pending', (t: RunnableLike) => record({ phase: 'ext', title: t.fullTitle(), state: 'pending' }));
  });
}
