// Bundles the extension (src/extension.ts -> dist/extension.js) and, with --tests, the in-host test suite.
// Type checking is `npm run typecheck` (esbuild strips types without checking them).
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node18',
  external: ['vscode'],
  sourcemap: !production,
  sourcesContent: false,
  minify: production,
  logLevel: 'warning',
};

const builds = [{ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' }];
if (process.argv.includes('--tests')) {
  // In-host end-to-end suite (runs inside a real VS Code extension host; `vscode` is provided there).
  builds.push({ ...common, entryPoints: ['test/e2e/suite/index.ts'], outfile: 'out/e2e/suite/index.js', external: ['vscode', 'mocha'] });
}

if (watch) {
  for (const b of builds) {
    const ctx = await esbuild.context(b);
    await ctx.watch();
  }
  console.log('[watch] build started');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
