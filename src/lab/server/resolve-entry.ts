/**
 * Where the channel server's child-process entry lives. A built app ships `server.js` next to
 * its main bundle (`out/main/server.js`, run by plain Node); from source the entry is
 * `server-main.ts` next to this file, run through the tsx loader.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A script to fork and the Node flags it needs. */
export interface ServerEntry {
  entry: string;
  execArgv: string[];
}

/**
 * Prefers a built `server.js` next to the running bundle; falls back to `server-main.ts` with
 * `--import <tsx loader>` (resolved to an absolute URL so the child's cwd does not matter).
 * Throws with both paths when neither exists.
 */
export function resolveServerEntry(here: string = dirname(fileURLToPath(import.meta.url))): ServerEntry {
  const built = join(here, 'server.js');
  if (existsSync(built)) return { entry: built, execArgv: [] };
  const source = join(here, 'server-main.ts');
  if (existsSync(source)) {
    const tsx = createRequire(import.meta.url).resolve('tsx');
    return { entry: source, execArgv: ['--import', pathToFileURL(tsx).href] };
  }
  throw new Error(`channel server entry not found: neither ${built} nor ${source} exists`);
}
