/**
 * Where the channel server's child-process entry lives. A built app ships `server.js` next to
 * its bundles (`out/main/server.js`); from source the entry is `server-main.ts` next to this
 * file, run through the tsx loader.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveChildEntry, type ChildEntry } from '../child/entry';

/** A script to start and the flags it needs. */
export type ServerEntry = ChildEntry;

/**
 * Prefers a built `server.js` beside the running bundle (or in its parent, from a shared chunk);
 * falls back to `server-main.ts` with `--import <tsx loader>`. Throws with the paths it tried
 * when neither exists.
 */
export function resolveServerEntry(here: string = dirname(fileURLToPath(import.meta.url))): ServerEntry {
  return resolveChildEntry('server', here, join(here, 'server-main.ts'));
}
