import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

/**
 * Three projects (docs/DEVELOPMENT.md "Conventions"): `node` for shared, lab, main and CLI code
 * on real sockets and peer connections; `dom` for the renderer; `e2e` for the whole app in Debian
 * Chromium (browser mode, playwright-core).
 */
export default defineConfig({
  test: {
    // The second reporter names the test and file that were running when a worker process died.
    reporters: ['default', './test/reporters/unfinished-tests.ts'],
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/node/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        plugins: [vue()],
        test: {
          name: 'dom',
          environment: 'happy-dom',
          include: ['test/renderer/**/*.test.ts'],
          // Chart.js draws on a 2D context that happy-dom lacks.
          setupFiles: ['vitest-canvas-mock'],
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: 'forks',
        },
      },
    ],
  },
});
