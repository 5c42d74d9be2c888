import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/server/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30000,
    hookTimeout: 30000,
    alias: {
      // The glue layer's provider logic is exercised under vitest with a small shim of VS Code's value types.
      vscode: new URL('./test/shim/vscode.ts', import.meta.url).pathname,
    },
  },
});
