/**
 * Where a child process's entry script lives. A built app ships each child as `<name>.js` in
 * the main bundle's folder (`out/main/server.js`, `out/main/lab-host.js`), run by the runtime
 * as is; from source the entry is a `.ts` file run through the tsx loader.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A script to start and the runtime flags it needs. */
export interface ChildEntry {
  entry: string;
  execArgv: string[];
}

/**
 * Prefers a built `<builtName>.js` in `bundleDir` (or its parent: code the bundler moved into
 * a shared chunk runs from `out/main/chunks`); falls back to the `.ts` source with
 * `--import <tsx loader>` (an absolute URL, so the child's cwd does not matter). Throws with
 * the paths it tried when neither exists.
 */
export function resolveChildEntry(builtName: string, bundleDir: string, source: string): ChildEntry {
  const candidates = [join(bundleDir, `${builtName}.js`), join(dirname(bundleDir), `${builtName}.js`)];
  const built = candidates.find((path) => existsSync(path));
  if (built) return { entry: built, execArgv: [] };
  if (existsSync(source)) {
    const tsx = createRequire(import.meta.url).resolve('tsx');
    return { entry: source, execArgv: ['--import', pathToFileURL(tsx).href] };
  }
  throw new Error(`${builtName} entry not found: none of ${[...candidates, source].join(', ')} exists`);
}
