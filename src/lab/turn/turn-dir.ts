/**
 * The temporary directory of one coturn run: mode 0700, named `faultline-turn-<pid>-XXXXXX`
 * after the process that owns it, so that a later start can tell a directory left behind by a
 * dead process ({@link sweepStaleTurnDirs}) from one in use. The pid is in the name rather than
 * in a file inside, so no directory ever exists without its owner being known. The directory
 * holds coturn's configuration file (mode 0600: the credential), log, pid file and user db.
 */
import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pidAlive } from '../child/pid-alive';

/** The name prefix of every coturn temp dir. */
export const TURN_DIR_PREFIX = 'faultline-turn-';

const OWNED = new RegExp(`^${TURN_DIR_PREFIX}(\\d+)-[A-Za-z0-9]{6}$`);

/** Makes a 0700 directory under `root` owned (by name) by this process. */
export function makeTurnDir(root: string = tmpdir()): string {
  const dir = mkdtempSync(join(root, `${TURN_DIR_PREFIX}${process.pid}-`));
  chmodSync(dir, 0o700);
  return dir;
}

/** The pid a directory name says owns it, or null for a name not made by {@link makeTurnDir}. */
export function turnDirOwner(name: string): number | null {
  const match = OWNED.exec(name);
  return match ? Number(match[1]) : null;
}

/**
 * Removes the coturn temp dirs under `root` whose owning process is gone; returns their paths.
 * Directories of live processes, of other users and with other names stay.
 */
export function sweepStaleTurnDirs(root: string = tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return removed;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const owner = turnDirOwner(name);
    if (owner === null || owner === process.pid || pidAlive(owner)) continue;
    const path = join(root, name);
    try {
      const stat = lstatSync(path);
      if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}

/**
 * Writes coturn's configuration file (`key` or `key=value` per line) into `dir` with mode 0600
 * and returns its path; coturn reads it with `-c`, so nothing secret is on its command line.
 */
export function writeTurnConfig(dir: string, options: Record<string, string | number | true>): string {
  const path = join(dir, 'turnserver.conf');
  const lines = Object.entries(options).map(([key, value]) => {
    if (/[\r\n]/.test(`${key}${value}`)) throw new Error(`coturn option ${key} spans lines`);
    return value === true ? key : `${key}=${value}`;
  });
  writeFileSync(path, `${lines.join('\n')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return path;
}
