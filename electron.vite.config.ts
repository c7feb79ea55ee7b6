import { resolve } from 'node:path';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import vue from '@vitejs/plugin-vue';
import type { RollupLog, LoggingFunction } from 'rollup';

/**
 * Drops one kind of third-party build noise: dependencies (zod) whose comments carry pure
 * annotations Rollup cannot place. Rollup removes such comments and the output is unchanged;
 * printed, they are two pages of warnings before the line that matters. Everything else,
 * including annotations in our own code, is still reported.
 */
function quietThirdPartyAnnotations(warning: RollupLog, warn: LoggingFunction): void {
  if (warning.code === 'INVALID_ANNOTATION' && /node_modules/.test(warning.id ?? warning.message)) return;
  warn(warning);
}

/**
 * Three bundles (main, preload, renderer) per electron-vite's layout. The lab runs in a utility
 * process of its own and the channel server in another, so each is a main-side entry of its own
 * (`out/main/lab-host.js`, `out/main/server.js`). The preload
 * runs sandboxed, where only CommonJS loads and only `electron` can be required: it is built
 * as `out/preload/index.cjs` with its dependencies (zod, the contract) bundled in; the hidden
 * browser-participant windows get their own one-function preload (`participant.cjs`).
 */
export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: {
        onwarn: quietThirdPartyAnnotations,
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          server: resolve(__dirname, 'src/lab/server/server-main.ts'),
          'open-worker': resolve(__dirname, 'src/app/support/open/worker-main.ts'),
          'lab-host': resolve(__dirname, 'src/app/lab-host/host-main.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      externalizeDeps: false,
      rollupOptions: {
        onwarn: quietThirdPartyAnnotations,
        input: {
          index: resolve(__dirname, 'src/preload/index.ts'),
          participant: resolve(__dirname, 'src/preload/participant.ts'),
        },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [vue()],
    build: {
      rollupOptions: {
        onwarn: quietThirdPartyAnnotations,
        input: { index: resolve(__dirname, 'src/renderer/index.html') },
      },
    },
  },
});
