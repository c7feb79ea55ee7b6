#!/usr/bin/env node
/**
 * `npm start`: builds and launches the Electron app. The Electron runtime is fetched on the first
 * start (the project's .npmrc skips install scripts, so `npm ci` succeeds offline); where it
 * cannot be had, this says why in one line and starts browser mode instead (`npm run web`: the
 * same dashboard in a browser on loopback). Arguments go to browser mode, e.g.
 * `npm start -- --port 5174 --no-open`. FAULTLINE_BROWSER_MODE=1 picks browser mode even where
 * Electron exists; ELECTRON_OVERRIDE_DIST_PATH points at a runtime of your own (on every OS).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronRuntime } from './electron-runtime.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** The runtime's executable when it is there (electron-runtime.mjs), else null. */
function electronRuntime() {
  return findElectronRuntime({
    env: process.env,
    platform: process.platform,
    requireElectron: () => require('electron'),
  }).path;
}

/** The last line of an installer's error output that says something, shortened. */
function reasonOf(result) {
  if (result.error) return result.error.message;
  const lines = `${result.stderr ?? ''}`.split('\n').map((l) => l.trim());
  const said = lines.find((l) => /^\w*Error\b|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT/.test(l));
  return (said ?? lines.find(Boolean) ?? `installer exited ${result.status}`).slice(0, 200);
}

/** Fetches the runtime once with electron's own installer; returns null or why it failed. */
function fetchRuntime() {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return 'ELECTRON_SKIP_BINARY_DOWNLOAD is set';
  const installer = join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return 'the electron package is not installed (run npm ci)';
  console.log('Fetching the Electron runtime (first start)…');
  const result = spawnSync(process.execPath, [installer], {
    cwd: join(root, 'node_modules', 'electron'),
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 10 * 60_000,
  });
  return electronRuntime() ? null : `its download failed: ${reasonOf(result)}`;
}

function run(cmd, args, env = process.env) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
}

let why = process.env.FAULTLINE_BROWSER_MODE ? 'FAULTLINE_BROWSER_MODE is set' : null;
let runtime = why ? null : electronRuntime();
if (!why && !runtime) {
  why = process.env.ELECTRON_OVERRIDE_DIST_PATH
    ? `ELECTRON_OVERRIDE_DIST_PATH holds no runtime (${process.env.ELECTRON_OVERRIDE_DIST_PATH})`
    : fetchRuntime();
  runtime = why ? null : electronRuntime();
}

if (runtime) {
  // electron-vite finds the runtime through ELECTRON_EXEC_PATH (it ignores the override).
  run(join(root, 'node_modules', '.bin', 'electron-vite'), ['preview'], {
    ...process.env,
    ELECTRON_EXEC_PATH: runtime,
  });
} else {
  console.log(
    process.env.FAULTLINE_BROWSER_MODE
      ? 'Starting browser mode (FAULTLINE_BROWSER_MODE is set).'
      : `Electron runtime not available (${why}); starting browser mode instead.`,
  );
  run(process.execPath, [join(root, 'scripts', 'web.mjs'), ...process.argv.slice(2)]);
}
