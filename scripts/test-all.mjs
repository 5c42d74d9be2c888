#!/usr/bin/env node
// `npm test`: every tier, in order, with a summary.
//   typecheck  tsc --noEmit -p .                         (1 check)
//   vitest     unit + test-server conformance + integration (counts from vitest's JSON report)
//   build      node esbuild.mjs --tests                   (1 check)
//   runtime    scripts/vscode-runtime.sh (cached)         (1 check)
//   e2e        scripts/run-e2e.mjs in real VS Code        (counts from its `e2e: N passed, N failed` line)
// A failing stage does not stop the independent ones; e2e is skipped (and counted failed) when the build or
// the runtime failed. The last line is exactly `N passed, N failed`; the exit code is 1 on any failure.
// Options: --skip-e2e (also env TEST_SKIP_E2E=1) for machines without chromium.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const skipE2e = process.argv.includes('--skip-e2e') || process.env.TEST_SKIP_E2E === '1';
const bin = (name) => path.join(root, 'node_modules/.bin', name);
const vitestJson = path.join(root, 'test-results/vitest.json');

/** Runs a command with inherited stdin closed; output is shown and, when `capture`, also returned. */
function run(cmd, args, { capture = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', capture ? 'pipe' : 'inherit', capture ? 'pipe' : 'inherit'] });
    let out = '';
    if (capture) {
      child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
      child.stderr.on('data', (d) => { out += d; process.stderr.write(d); });
    }
    const forward = (sig) => () => child.kill(sig);
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    child.on('error', (e) => { out += String(e); });
    child.on('close', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve({ code: code ?? (signal ? 128 : 1), signal, out });
    });
  });
}

const stages = [];
let interrupted = false;
process.on('SIGINT', () => { interrupted = true; });
process.on('SIGTERM', () => { interrupted = true; });

async function stage(name, fn) {
  if (interrupted) {
    stages.push({ name, passed: 0, failed: 1, seconds: 0, note: 'not run (interrupted)' });
    return stages.at(-1);
  }
  console.log(`\n━━ ${name} ━━`);
  const t = Date.now();
  let r;
  try {
    r = await fn();
  } catch (e) {
    r = { passed: 0, failed: 1, note: e.message };
  }
  const s = { name, seconds: (Date.now() - t) / 1000, ...r };
  stages.push(s);
  return s;
}

const oneCheck = async (cmd, args) => {
  const r = await run(cmd, args);
  return r.code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1, note: `exit code ${r.code}` };
};

await stage('typecheck', () => oneCheck(bin('tsc'), ['--noEmit', '-p', '.']));

await stage('vitest (unit, server conformance, integration)', async () => {
  fs.rmSync(vitestJson, { force: true });
  fs.mkdirSync(path.dirname(vitestJson), { recursive: true });
  const r = await run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
  let report = null;
  try {
    report = JSON.parse(fs.readFileSync(vitestJson, 'utf8'));
  } catch {}
  if (!report) return { passed: 0, failed: 1, note: `no JSON report (exit code ${r.code})` };
  const passed = report.numPassedTests ?? 0;
  let failed = report.numFailedTests ?? 0;
  // a test file that fails to load has no failed test but is a failure
  const brokenFiles = (report.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).every((a) => a.status !== 'failed')).length;
  failed += brokenFiles;
  if (r.code !== 0 && failed === 0) failed = 1;
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  const note = [brokenFiles ? `${brokenFiles} file(s) failed to load` : '', skipped ? `${skipped} skipped` : ''].filter(Boolean).join(', ');
  return { passed, failed, note };
});

const build = await stage('build (node esbuild.mjs --tests)', () => oneCheck(process.execPath, ['esbuild.mjs', '--tests']));

if (skipE2e) {
  stages.push({ name: 'vscode runtime + e2e', passed: 0, failed: 0, seconds: 0, note: 'skipped (--skip-e2e)' });
} else {
  const runtime = await stage('vscode runtime (cached install)', () => oneCheck('bash', [path.join(root, 'scripts/vscode-runtime.sh')]));
  await stage('e2e (real VS Code: in-host mocha + Playwright UI)', async () => {
    if (build.failed || runtime.failed) return { passed: 0, failed: 1, note: 'not run: build or runtime failed' };
    const r = await run(process.execPath, [path.join(root, 'scripts/run-e2e.mjs')], { capture: true });
    const m = [...r.out.matchAll(/^e2e: (\d+) passed, (\d+) failed$/gm)].at(-1);
    if (!m) return { passed: 0, failed: 1, note: `no e2e summary (exit code ${r.code})` };
    const passed = Number(m[1]);
    let failed = Number(m[2]);
    if (r.code !== 0 && failed === 0) failed = 1;
    return { passed, failed };
  });
}

console.log('\n━━ summary ━━');
let passed = 0;
let failed = 0;
for (const s of stages) {
  passed += s.passed;
  failed += s.failed;
  const status = s.failed ? 'FAIL' : 'ok  ';
  console.log(`${status} ${s.name.padEnd(52)} ${String(s.passed).padStart(5)} passed ${String(s.failed).padStart(4)} failed ${s.seconds.toFixed(1).padStart(7)} s${s.note ? `  (${s.note})` : ''}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed || interrupted ? 1 : 0);
