#!/usr/bin/env node
// `npm run demo`: Anki Files in a real VS Code (code-server, in your browser) against the AnkiConnect test server
// with a realistic sample collection. One command; Ctrl+C stops everything it started.
//   1. checks the system packages the VS Code runtime needs (installs them with apt when root)
//   2. installs the runtime into .vscode-runtime/ if missing (~2-4 min once; cached after); E2E_VSCODE=1.90
//      runs it in VS Code 1.90 instead (.vscode-runtime-1.90/)
//   3. builds the extension and packs a VSIX (`vsce package`), installs it into a private extensions dir
//      (falls back to loading the source folder as a development extension when packing fails, or with --dev)
//   4. starts the test server (~3,000 notes) and code-server pointed at it, prints the URL to open
// Options: --port <code-server port, default 8080>  --host <bind address, default 127.0.0.1>
//          --notes <sample size, default 3000>  --seed <n>  --anki-port <test server port, default: a free one>
//          --latency anki (simulate Anki's response times)  --dev (development extension instead of a VSIX)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  cleanup, codeServerCli, installExitHandlers, isolatedEnv, onFinalCleanup, root, runtime, runtimeInstalled, startCodeServer,
  startTestServer, workbenchSettings, writeSettings,
} from './lib/harness.mjs';

const { values: opt } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    notes: { type: 'string', default: '3000' },
    seed: { type: 'string', default: '2024' },
    'anki-port': { type: 'string', default: '0' },
    latency: { type: 'string' },
    dev: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opt.help) {
  console.log('usage: npm run demo -- [--port 8080] [--host 127.0.0.1] [--notes 3000] [--seed N] [--anki-port P] [--latency anki] [--dev]');
  process.exit(0);
}
for (const k of ['port', 'notes', 'seed', 'anki-port']) {
  if (!/^\d+$/.test(opt[k])) {
    console.error(`demo: --${k} must be a non-negative integer, got "${opt[k]}"`);
    process.exit(2);
  }
}

const say = (m) => console.log(`demo: ${m}`);
const run = (cmd, args, what) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${what} failed (exit code ${r.status ?? r.signal})`);
};
/** Like `run`, but its output (esbuild's summary, vsce's file tree) is shown only when it fails. */
const runQuiet = (cmd, args, what) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${what} failed (exit code ${r.status ?? r.signal}):\n${r.stdout ?? ''}${r.stderr ?? ''}`);
};
/** True when fontconfig knows a font for Japanese (else Japanese text shows as boxes in the browser). */
const hasCjkFont = () => {
  const r = spawnSync('fc-list', [':lang=ja', 'family'], { encoding: 'utf8' });
  return r.status !== 0 || (r.stdout ?? '').trim() !== ''; // no fontconfig: cannot tell, say nothing
};

// ---- 1. system packages for the runtime install --------------------------------------------------
function missingSystemPackages() {
  const miss = [];
  if (!fs.existsSync('/usr/include/gssapi/gssapi.h')) miss.push('libkrb5-dev');
  for (const [tool, pkg] of [['g++', 'g++'], ['make', 'make'], ['python3', 'python3']]) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) miss.push(pkg);
  }
  return miss;
}

installExitHandlers({ name: 'demo' });

try {
  if (!runtimeInstalled()) {
    const miss = missingSystemPackages();
    if (miss.length) {
      if (process.getuid?.() === 0) {
        say(`installing system packages: ${miss.join(' ')}`);
        run('apt-get', ['update'], 'apt-get update');
        run('apt-get', ['install', '-y', ...miss], 'apt-get install');
      } else {
        console.error(`demo: the VS Code runtime needs these system packages: ${miss.join(' ')}`);
        console.error(`      install them (e.g. sudo apt-get install -y ${miss.join(' ')}) and run npm run demo again`);
        process.exit(1);
      }
    }
    say(`installing the VS Code runtime "${runtime.name}" (code-server on ${runtime.node}) into ${path.relative(root, runtime.dir)}/, once`);
    run('bash', [path.join(root, 'scripts/vscode-runtime.sh'), runtime.name], 'the VS Code runtime install');
  }

  // ---- 2. build + package ------------------------------------------------------------------------
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'anki-files-demo-'));
  onFinalCleanup(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  const workspace = path.join(tmp, 'workspace');
  for (const d of [userDataDir, extensionsDir, workspace]) fs.mkdirSync(d, { recursive: true });
  const isolated = isolatedEnv(tmp);
  const csEnv = { ...process.env, ...isolated };

  let dev = opt.dev;
  if (!dev) {
    say('building and packing the extension (VSIX)');
    const vsix = path.join(tmp, 'anki-files.vsix');
    try {
      runQuiet(process.execPath, ['esbuild.mjs', '--production'], 'the production build');
      runQuiet(path.join(root, 'node_modules/.bin/vsce'),
        ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '--out', vsix], 'vsce package');
      const r = codeServerCli(['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix], { env: csEnv });
      if (r.status !== 0) throw new Error(`installing the VSIX failed:\n${r.output}`);
    } catch (e) {
      say(`${e.message}; loading the source folder as a development extension instead`);
      dev = true;
    }
  }
  if (dev) {
    say('building the extension');
    runQuiet(process.execPath, ['esbuild.mjs'], 'the build');
  }

  // ---- 3. test server + code-server --------------------------------------------------------------
  say(`starting the AnkiConnect test server with ${opt.notes} sample notes`);
  const serverLog = path.join(tmp, 'test-server.log');
  const server = await startTestServer({
    notes: Number(opt.notes), seed: Number(opt.seed), port: Number(opt['anki-port']), latency: opt.latency, logFile: serverLog, timeoutMs: 120000,
  });
  writeSettings(userDataDir, workbenchSettings(server.url, { 'workbench.colorTheme': 'Default Dark Modern' }));
  const port = Number(opt.port);
  const cs = await startCodeServer({
    port, host: opt.host, userDataDir, extensionsDir, folder: workspace, env: csEnv, logFile: path.join(tmp, 'code-server.log'),
    testDriver: dev, // the development-extension payload is honoured only with the smoke-test driver on
  }).catch((e) => {
    throw new Error(`${e.message} (is port ${port} free? choose another with --port)`);
  });
  const host = opt.host === '0.0.0.0' ? os.hostname() : opt.host;
  let url = `http://${host}:${port}/?folder=${encodeURIComponent(workspace)}`;
  if (dev) url += `&payload=${encodeURIComponent(JSON.stringify([['extensionDevelopmentPath', `vscode-remote://${host}:${port}${root}`]]))}`;
  say(`ready: ${opt.notes} sample notes, Anki Files ${dev ? 'as a development extension' : 'installed from its VSIX'} (logs in ${tmp})`);
  if (!hasCjkFont()) say('no Japanese font found, so Japanese notes show as boxes: apt-get install fonts-noto-cjk');
  console.log(`\n  Open ${url}\n  then click the Anki icon in the activity bar.   Ctrl+C stops everything.\n`);
  void server;
  void cs;
  await new Promise(() => {}); // until Ctrl+C (the exit handlers clean up)
} catch (e) {
  console.error(`demo: ${e.message}`);
  await cleanup();
  process.exit(1);
}
