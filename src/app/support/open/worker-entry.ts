/**
 * Where the opening worker's entry lives. A built app ships `open-worker.js` beside its main
 * bundle (`out/main/open-worker.js`); from source the entry is `worker-main.ts` next to this
 * file, which the worker loads after registering tsx's ESM loader in its own thread.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** How to start the worker: a built script, or a bootstrap that loads the TypeScript entry. */
export type OpenWorkerEntry =
  | { kind: 'built'; file: string }
  | { kind: 'source'; file: string; /** Code for `new Worker(code, { eval: true })`. */ bootstrap: string };

/** tsx's ESM API (the `import` condition of `tsx/esm/api`), as a file URL. */
function tsxEsmApi(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
    exports: Record<string, { import?: { default?: string } }>;
  };
  const rel = pkg.exports['./esm/api']?.import?.default;
  if (!rel) throw new Error('tsx has no ESM API (tsx/esm/api) to load the open worker from source');
  return pathToFileURL(join(dirname(pkgPath), rel)).href;
}

/**
 * Prefers a built `open-worker.js` beside the running bundle (or one folder up, when this code
 * sits in a shared chunk); falls back to `worker-main.ts` through tsx. Throws with the paths
 * tried when neither exists.
 */
export function resolveOpenWorkerEntry(
  here: string = dirname(fileURLToPath(import.meta.url)),
): OpenWorkerEntry {
  for (const dir of [here, dirname(here)]) {
    const built = join(dir, 'open-worker.js');
    if (existsSync(built)) return { kind: 'built', file: built };
  }
  const source = join(here, 'worker-main.ts');
  if (!existsSync(source))
    throw new Error(
      `open worker entry not found: neither ${join(here, 'open-worker.js')} nor ${source} exists`,
    );
  const api = JSON.stringify(tsxEsmApi());
  const entry = JSON.stringify(pathToFileURL(source).href);
  return {
    kind: 'source',
    file: source,
    bootstrap: `import(${api}).then((tsx) => { tsx.register(); return import(${entry}); });`,
  };
}
