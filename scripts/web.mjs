#!/usr/bin/env node
/**
 * `npm run web`: browser mode. Builds the renderer when out/renderer is missing or older than
 * its sources, then runs src/web/main.ts (through tsx) with the arguments given, e.g.
 * `npm run web -- --port 5174 --no-open`. Prints `Faultline browser mode: <url>`.
 * FAULTLINE_SKIP_BUILD=1 skips the build (tests, or a renderer given with --root).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** True when the built renderer is missing or older than src/renderer or src/shared. */
function rendererIsStale() {
  const built = join(root, 'out', 'renderer', 'index.html');
  if (!existsSync(built)) return true;
  const sources = ['src/renderer', 'src/shared'].map((d) => join(root, d)).filter(existsSync);
  return Math.max(...sources.map(newestMtime)) > statSync(built).mtimeMs;
}

if (!process.env.FAULTLINE_SKIP_BUILD && rendererIsStale()) {
  console.log('Building the renderer (electron-vite build)…');
  const build = spawnSync(join(root, 'node_modules', '.bin', 'electron-vite'), ['build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) {
    console.error('The renderer build failed; see the messages above.');
    process.exit(build.status ?? 1);
  }
}

const child = spawn(
  process.execPath,
  ['--import', 'tsx', join(root, 'src', 'web', 'main.ts'), ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
