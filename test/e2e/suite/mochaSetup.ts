// Creates the Mocha instance and installs the BDD globals (describe/it/before/...) BEFORE the test modules are
// evaluated. index.ts imports this module first, then every *.test.ts statically, so esbuild bundles them all
// into out/e2e/suite/index.js and evaluates them in that order.
import Mocha from 'mocha';

const grep = process.env.ANKI_FILES_E2E_GREP;

export const mocha = new Mocha({
  ui: 'bdd',
  // the real extension host on a busy 2-core machine: generous, the runner enforces the overall limit
  timeout: Number(process.env.ANKI_FILES_E2E_TEST_TIMEOUT_MS || 60000),
  color: false,
  reporter: 'spec',
  ...(grep ? { grep, invert: process.env.ANKI_FILES_E2E_GREP_INVERT === '1' } : {}),
});

mocha.suite.emit('pre-require', globalThis, 'anki-files-e2e', mocha);
