/**
 * The built renderer the benchmark serves (out/renderer): rebuilt with `electron-vite build`
 * when missing or older than its sources, the same rule as `npm run web` (scripts/web.mjs).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root. */
export const ROOT = join(import.meta.dirname, '..', '..');
/** Where electron-vite puts the renderer. */
export const RENDERER_OUT = join(ROOT, 'out', 'renderer');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** True when out/renderer is missing or older than src/renderer or src/shared. */
export function rendererIsStale(): boolean {
  const built = join(RENDERER_OUT, 'index.html');
  if (!existsSync(built)) return true;
  const sources = ['src/renderer', 'src/shared'].map((d) => join(ROOT, d)).filter((d) => existsSync(d));
  return Math.max(...sources.map(newestMtime)) > statSync(built).mtimeMs;
}

/** Builds the app when the renderer is stale; returns whether it built. Throws when the build fails. */
export function ensureRendererBuilt(log: (line: string) => void = console.log): boolean {
  if (!rendererIsStale()) return false;
  log('  building the renderer (electron-vite build)…');
  const build = spawnSync(join(ROOT, 'node_modules', '.bin', 'electron-vite'), ['build'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0)
    throw new Error(`electron-vite build failed (exit ${build.status ?? build.signal})`);
  return true;
}
