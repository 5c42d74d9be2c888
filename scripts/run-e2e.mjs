#!/usr/bin/env node
// End-to-end tests in a real VS Code: code-server's server + web workbench (real Node extension host on a
// private Node from the npm registry), driven by Debian's chromium through playwright-core, against the
// project's AnkiConnect test server. Nothing is downloaded at run time. Two runtimes (scripts/vscode-runtime.sh):
//   E2E_VSCODE=current (default)  code-server 4.139.1 = VS Code 1.139.1 on Node 24, in .vscode-runtime/
//   E2E_VSCODE=1.90               code-server 4.90.3  = VS Code 1.90.2 on Node 20 (the oldest engines.vscode
//                                 allows), in .vscode-runtime-1.90/
//
//   phase "ext": the mocha suite out/e2e/suite/index.js runs INSIDE the extension host
//                (payload extensionDevelopmentPath + extensionTestsPath; exit code via codeAutomationExit)
//   phase "ui" : test/e2e/ui/*.test.mjs drive the workbench with Playwright (one page, tests in order)
//
// Prerequisites: `node esbuild.mjs --tests`, `bash scripts/vscode-runtime.sh [current|1.90]`,
// `apt-get install -y chromium`.
// Output: one line per test, screenshots and logs (*.png, *.log) in test-results/e2e/ (test-results/e2e-1.90/
// for 1.90), last line `e2e: N passed, N failed`; exit 1 on any failure. Nothing is left running (Ctrl+C,
// timeouts too).
//
// Env: E2E_VSCODE=current|1.90   E2E_PHASES=ext,ui   E2E_GREP=<regex on test titles> (E2E_GREP_INVERT=1: all others)
//      E2E_TIMEOUT_MS (overall, default 1500000)
//      E2E_EXT_TIMEOUT_MS (default 600000)   E2E_UI_TEST_TIMEOUT_MS (per UI test, default 120000)
//      E2E_NOTES (default 300)   E2E_SEED (default 7)   E2E_KEEP=1 (keep the temp dir)   E2E_VERBOSE=1
//      E2E_HEADED=1 (needs a display)   CHROME_PATH (default /usr/bin/chromium)   E2E_OUT_DIR
//      E2E_UPDATE_SCREENSHOT=1 (the README screenshot test also writes media/screenshot.png)
//      E2E_ADDON=2023 (the test server behaves like an AnkiConnect build from before 2024; default current)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import {
  anki, chromePath, chromiumArgs, cleanup, control, freePort, installExitHandlers, isolatedEnv, isStopping, onCleanup, onFinalCleanup, root,
  runtime, runtimeInstalled, runtimeVersions, sleep, startCodeServer, startTestServer, waitFor, workbenchSettings, writeSettings,
} from './lib/harness.mjs';

const env = process.env;
const phases = (env.E2E_PHASES || 'ext,ui').split(',').map((s) => s.trim()).filter(Boolean);
const grep = env.E2E_GREP ? new RegExp(env.E2E_GREP) : null;
const grepInvert = env.E2E_GREP_INVERT === '1';
const overallTimeoutMs = Number(env.E2E_TIMEOUT_MS || 1500000);
const extTimeoutMs = Number(env.E2E_EXT_TIMEOUT_MS || 600000);
const uiTestTimeoutMs = Number(env.E2E_UI_TEST_TIMEOUT_MS || 120000);
const notes = Number(env.E2E_NOTES || 300);
const seed = Number(env.E2E_SEED || 7);
const addon = env.E2E_ADDON || 'current';
const verbose = !!env.E2E_VERBOSE;

// each runtime its own default output dir, so that `npm test`'s two passes keep both sets of screenshots
const outDir = path.resolve(root, env.E2E_OUT_DIR || (runtime.name === 'current' ? 'test-results/e2e' : `test-results/e2e-${runtime.name}`));
const suiteJs = path.join(root, 'out/e2e/suite/index.js');
const extensionJs = path.join(root, 'dist/extension.js');
const uiDir = path.join(root, 'test/e2e/ui');

const t0 = Date.now();
const stamp = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const log = (...a) => console.log(`[e2e ${stamp()}]`, ...a);

// ---- prerequisites -------------------------------------------------------------------------------
const missing = [];
if (!runtimeInstalled()) missing.push(`the VS Code runtime "${runtime.name}" (${path.relative(root, runtime.dir)}/): run \`${runtime.installHint}\``);
if (!fs.existsSync(chromePath)) missing.push(`chromium at ${chromePath}: run \`apt-get install -y chromium\` (or set CHROME_PATH)`);
if (phases.includes('ext') && !fs.existsSync(suiteJs)) missing.push('the in-host suite out/e2e/suite/index.js: run `node esbuild.mjs --tests`');
if (!fs.existsSync(extensionJs)) missing.push('the extension bundle dist/extension.js: run `node esbuild.mjs --tests`');
if (missing.length) {
  for (const m of missing) console.error(`e2e: missing ${m}`);
  console.log('e2e: 0 passed, 1 failed');
  process.exit(1);
}

installExitHandlers({ name: 'e2e', overallTimeoutMs });

if (runtime.name !== 'current' && env.E2E_UPDATE_SCREENSHOT) {
  log('E2E_UPDATE_SCREENSHOT ignored: the README image comes from the current VS Code');
  delete env.E2E_UPDATE_SCREENSHOT;
}

fs.mkdirSync(outDir, { recursive: true });
for (const f of fs.readdirSync(outDir)) if (/\.(png|log|jsonl)$/.test(f)) fs.rmSync(path.join(outDir, f), { force: true });

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'anki-files-e2e-'));
// Logs and the in-host results file live in this run's temp dir (concurrent runs in one checkout must not mix
// them) and are copied to the output dir at the end.
const logsDir = path.join(tmp, 'logs');
fs.mkdirSync(logsDir);
onFinalCleanup(() => {
  for (const f of fs.readdirSync(logsDir)) fs.copyFileSync(path.join(logsDir, f), path.join(outDir, f));
  if (env.E2E_KEEP) log('kept', tmp);
  else fs.rmSync(tmp, { recursive: true, force: true });
});
const mk = (n) => {
  const p = path.join(tmp, n);
  fs.mkdirSync(p, { recursive: true });
  return p;
};
const userDataDir = mk('user-data');
const extensionsDir = mk('extensions');
const workspace = mk('workspace');
const isolated = isolatedEnv(tmp);
const resultsFile = path.join(logsDir, 'ext-results.jsonl');

/** @type {{phase: string, title: string, state: 'passed'|'failed'|'pending', ms?: number, error?: string}[]} */
const results = [];
function report(r) {
  results.push(r);
  const mark = r.state === 'passed' ? '✔' : r.state === 'failed' ? '✘' : '-';
  const ms = r.ms !== undefined ? ` (${r.ms} ms)` : '';
  console.log(`  ${mark} [${r.phase}] ${r.title}${ms}`);
  if (r.error) console.log(r.error.split('\n').map((l) => `      ${l}`).join('\n'));
}

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);

let server;
let browser;
try {
  // ---- test server, settings, code-server ----------------------------------------------------------
  const port = await freePort();
  const controlPort = await freePort();
  const serverLog = path.join(logsDir, 'test-server.log');
  const startServer = () => startTestServer({ notes, seed, port, controlPort, addon, logFile: serverLog });
  server = await startServer();
  log(`test server ${server.url} (control ${server.controlUrl}), ${notes} notes, seed ${seed}, add-on ${addon}`);

  writeSettings(userDataDir, workbenchSettings(server.url));
  const versions = runtimeVersions();
  const csPort = await freePort();
  const cs = await startCodeServer({
    port: csPort, userDataDir, extensionsDir, folder: workspace, logFile: path.join(logsDir, 'code-server.log'),
    env: {
      ...env, ...isolated,
      // inherited by the extension host: the in-host suite reads these (test/e2e/suite/helpers.ts)
      ANKI_FILES_TEST_SERVER: server.url,
      ANKI_FILES_TEST_CONTROL: server.controlUrl,
      ANKI_FILES_TEST_ADDON: addon,
      ANKI_FILES_E2E_RESULTS: resultsFile,
      ANKI_FILES_E2E_VSCODE_VERSION: versions.vscode, // test/e2e/suite/runtime.test.ts checks it is the one running
      ANKI_FILES_E2E_NODE_VERSION: versions.node,
      ...(runtime.oldest ? { ANKI_FILES_E2E_OLDEST_VSCODE: '1' } : {}),
      ...(env.E2E_GREP ? { ANKI_FILES_E2E_GREP: env.E2E_GREP } : {}),
      ...(grepInvert ? { ANKI_FILES_E2E_GREP_INVERT: '1' } : {}),
    },
  });
  log(`code-server ${versions.codeServer} (VS Code ${versions.vscode} on Node ${versions.node}, runtime "${runtime.name}") up on ${cs.base} (pid ${cs.child.pid})`);

  browser = await chromium.launch({
    executablePath: chromePath,
    headless: !env.E2E_HEADED,
    env: { ...env, ...isolated },
    args: chromiumArgs,
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false, // our handlers close it, then kill the groups
  });
  onCleanup(() => browser?.close());

  const remote = (p) => `vscode-remote://127.0.0.1:${csPort}${p}`;
  const workbenchUrl = (payload) => `${cs.base}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const consoleLog = fs.createWriteStream(path.join(logsDir, 'workbench-console.log'));
  onCleanup(() => new Promise((r) => consoleLog.end(r)));
  const forwardConsole = (page, tag) =>
    page.on('console', async (m) => {
      let a;
      try {
        a = await Promise.all(m.args().map((x) => x.jsonValue()));
      } catch {
        a = [m.text()];
      }
      if (typeof a[0] === 'string' && a[0].startsWith('%c')) a = a.slice(2);
      // Error objects serialize to {} (an empty line): fall back to the browser's own rendering of the message
      const text = (util.format(...a).trim() ? util.format(...a) : m.text()).trimEnd();
      consoleLog.write(`[${tag} ${stamp()} ${m.type()}] ${text}\n`);
      if (verbose) console.log(`  │ ${text}`);
    });

  // ---- phase ext -----------------------------------------------------------------------------------
  if (phases.includes('ext')) {
    log('phase ext: mocha inside the extension host');
    fs.rmSync(resultsFile, { force: true });
    const context = await browser.newContext({ viewport: { width: 1400, height: 850 } });
    const page = await context.newPage();
    forwardConsole(page, 'ext');
    let done;
    const exited = new Promise((r) => (done = r));
    await page.exposeFunction('codeAutomationExit', (code) => done(code)); // the workbench calls it when the run ends
    await page.goto(workbenchUrl([['extensionDevelopmentPath', remote(root)], ['extensionTestsPath', remote(suiteJs)]]));

    let printed = 0;
    const drain = () => {
      if (!fs.existsSync(resultsFile)) return;
      const lines = fs.readFileSync(resultsFile, 'utf8').split('\n').filter(Boolean);
      for (; printed < lines.length; printed++) {
        try {
          report(JSON.parse(lines[printed]));
        } catch {
          report({ phase: 'ext', title: `unreadable result line: ${lines[printed]}`, state: 'failed' });
        }
      }
    };
    const timer = setInterval(drain, 250);
    const code = await Promise.race([exited, sleep(extTimeoutMs).then(() => 'timeout')]);
    clearInterval(timer);
    drain();
    const extFailures = results.filter((r) => r.phase === 'ext' && r.state === 'failed').length;
    log(`phase ext: extension host exit code ${code}`);
    if (code !== 0 && extFailures === 0) {
      // the suite did not run or crashed outside a test (load error, timeout): that is a failure too
      report({ phase: 'ext', title: `extension test run ended with ${code === 'timeout' ? `a timeout after ${extTimeoutMs} ms` : `exit code ${code}`} (see test-results/e2e/workbench-console.log)`, state: 'failed' });
      await page.screenshot({ path: path.join(outDir, 'ext-phase.png') }).catch(() => {});
    }
    await context.close();
  }

  // ---- phase ui ------------------------------------------------------------------------------------
  if (phases.includes('ui')) {
    // a fresh collection for the UI phase (the in-host tests edited notes), same ports so the settings hold
    await server.stop();
    server = await startServer();
    log('phase ui: Playwright drives the workbench');

    const files = fs.readdirSync(uiDir).filter((f) => f.endsWith('.test.mjs')).sort();
    const tests = [];
    for (const f of files) {
      const mod = await import(pathToFileURL(path.join(uiDir, f)).href);
      for (const t of mod.tests ?? []) tests.push({ ...t, file: f });
    }
    const selected = tests.filter((t) => !grep || grep.test(t.name) !== grepInvert);

    const context = await browser.newContext({ viewport: { width: 1400, height: 850 }, locale: 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(30000);
    forwardConsole(page, 'ui');
    const url = workbenchUrl([['extensionDevelopmentPath', remote(root)]]);
    const loadWorkbench = async () => {
      await page.goto(url);
      await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
    };
    const srv = {
      get url() { return server.url; },
      get controlUrl() { return server.controlUrl; },
      anki: (action, params) => anki(server.url, action, params),
      control: (op, args) => control(server.controlUrl, op, args),
      restart: async () => {
        await server.stop();
        server = await startServer();
      },
    };
    const resetFaults = async () => {
      await srv.control('refuseConnections', { on: false }).catch(() => {});
      await srv.control('clearFaults').catch(() => {});
      await srv.control('closeBrowser').catch(() => {});
    };
    await loadWorkbench();
    for (const t of selected) {
      if (isStopping()) break;
      const started = Date.now();
      const shot = path.join(outDir, `${slug(t.name)}.png`);
      const ctx = {
        page, server: srv, root, outDir, log: (...a) => verbose && console.log('      ·', ...a),
        screenshot: (file, options = {}) => page.screenshot({ ...options, path: path.isAbsolute(file) ? file : path.join(root, file) }),
      };
      let error = null;
      try {
        await resetFaults();
        let timer;
        await Promise.race([
          t.run(ctx),
          new Promise((_, rej) => (timer = setTimeout(() => rej(new Error(`timed out after ${uiTestTimeoutMs} ms`)), uiTestTimeoutMs))),
        ]).finally(() => clearTimeout(timer));
      } catch (e) {
        error = e;
      }
      await page.screenshot({ path: shot }).catch(() => {});
      report({
        phase: 'ui', title: `${t.name}`, state: error ? 'failed' : 'passed', ms: Date.now() - started,
        error: error ? `${error.message?.split('\n').slice(0, 12).join('\n') ?? error}\n(screenshot ${path.relative(root, shot)})` : undefined,
      });
      if (error && !isStopping()) {
        // start the next test from a clean workbench
        await resetFaults();
        await loadWorkbench().catch((e) => log('reloading the workbench failed:', e.message));
      }
    }
    log('phase ui: done');
    await context.close();
  }
} catch (e) {
  report({ phase: 'setup', title: `e2e setup: ${e.message}`, state: 'failed' });
} finally {
  log('stopping the browser, code-server and the test server');
  await cleanup();
}

const passed = results.filter((r) => r.state === 'passed').length;
const failed = results.filter((r) => r.state === 'failed').length;
const pending = results.filter((r) => r.state === 'pending').length;
log(`done${pending ? ` (${pending} pending)` : ''}; screenshots and logs in ${path.relative(root, outDir)}/`);
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed || passed === 0 ? 1 : 0);
