/**
 * Who holds a live journal: beside each `<id>.open.ndjson` the process writing it keeps
 * `<id>.lock`, `{"pid":…,"host":…}`, made with the journal and removed when it is closed cleanly.
 * A journal whose lock names a process that still runs belongs to another instance (a second
 * desktop app, browser mode, a CLI lab on the same journal directory) and is neither offered for
 * recovery nor discarded. A lock left by a crash names a dead pid and holds nothing. A lock of
 * another machine (a home directory shared over the network) cannot be checked and counts as held.
 */
import { hostname } from 'node:os';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { JOURNAL_FILE_MODE, pidAlive } from '../../lab';

const OPEN_SUFFIX = '.open.ndjson';

/** The lock file of the journal at `journalPath` (`<id>.open.ndjson` → `<id>.lock`). */
export function journalLockPath(journalPath: string): string {
  const base = journalPath.endsWith(OPEN_SUFFIX) ? journalPath.slice(0, -OPEN_SUFFIX.length) : journalPath;
  return `${base}.lock`;
}

/** Marks the journal at `journalPath` as held by this process (fails if a lock is there already). */
export async function takeJournalLock(journalPath: string, pid: number = process.pid): Promise<void> {
  await writeFile(journalLockPath(journalPath), `${JSON.stringify({ pid, host: hostname() })}\n`, {
    mode: JOURNAL_FILE_MODE,
    flag: 'wx',
  });
}

/** Removes the journal's lock (nothing if there is none). */
export async function releaseJournalLock(journalPath: string): Promise<void> {
  await rm(journalLockPath(journalPath), { force: true });
}

/**
 * The process holding the journal at `journalPath`: its pid while it runs (`'elsewhere'` for a
 * lock of another machine), null when there is no lock, it is unreadable, or its process is gone.
 */
export async function journalHolder(journalPath: string): Promise<number | 'elsewhere' | null> {
  let text: string;
  try {
    text = await readFile(journalLockPath(journalPath), 'utf8');
  } catch {
    return null;
  }
  let lock: { pid?: unknown; host?: unknown };
  try {
    lock = JSON.parse(text) as typeof lock;
  } catch {
    return null;
  }
  if (typeof lock.pid !== 'number' || !Number.isInteger(lock.pid) || lock.pid <= 0) return null;
  if (typeof lock.host === 'string' && lock.host !== hostname()) return 'elsewhere';
  return pidAlive(lock.pid) ? lock.pid : null;
}
