/**
 * Crash recovery: every lab the service starts journals its trace to
 * `<journalDir>/<id>.open.ndjson`; a clean stop renames it to `<id>.ndjson`. A journal still
 * named `.open` belongs to a session that crashed or was killed, and is offered at the next
 * start (list / open as the current trace / discard). A journal may be rotated into segments
 * (`<id>.open.ndjson.000001.gz`, …; see `lab/trace/segments.ts`): it is still one session here,
 * moved, read and deleted as a whole. A journal that a running process still writes (its
 * `<id>.lock` names a live pid: `journal-lock.ts`) is another instance's, never offered or
 * discarded. Electron-free.
 */
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, stat } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventPayload, InvokeResponse } from '../../shared/ipc/contract';
import { TraceReadError } from '../../lab';
import { JOURNAL_FILE_MODE, journalBytes, readJournal, removeJournal, renameJournal } from '../../lab';
import { serviceError } from './errors';
import { journalHolder, releaseJournalLock, takeJournalLock } from './journal-lock';

const OPEN_SUFFIX = '.open.ndjson';
const CLEAN_SUFFIX = '.ndjson';
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** How many cleanly closed journals are kept (oldest removed first). */
export const KEPT_CLEAN_JOURNALS = 20;

/** Journals of the desktop app: `<userData>/journals`. */
export function electronJournalDir(userData: string): string {
  return join(userData, 'journals');
}

/** Journals of browser mode and the CLI: `~/.faultline/journals`. */
export function homeJournalDir(home: string = homedir()): string {
  return join(home, '.faultline', 'journals');
}

/** The fallback when the shell names no directory: under the OS temp directory. */
export function tempJournalDir(): string {
  return join(tmpdir(), 'faultline-journals');
}

/** Mode of a journal directory: the owner's only (journals hold unredacted traces). */
export const JOURNAL_DIR_MODE = 0o700;

/**
 * Makes `dir` ready to hold journals: created (with missing parents) as 0700; refused when it is
 * a symbolic link, not a directory, or (on POSIX) owned by another user — a directory someone
 * else made in a shared place such as the temp directory; then tightened to 0700, and journal
 * files older versions left readable to others tightened to 0600.
 */
export async function prepareJournalDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: JOURNAL_DIR_MODE });
  const info = await lstat(dir);
  if (!info.isDirectory())
    throw new Error(`${dir} is not a directory (a link or a file); journals are not kept there`);
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid)
    throw new Error(`${dir} belongs to another user (uid ${info.uid}); journals are not kept there`);
  if ((info.mode & 0o777) !== JOURNAL_DIR_MODE) await chmod(dir, JOURNAL_DIR_MODE);
  for (const name of await readdir(dir)) {
    if (!name.startsWith('faultline-')) continue;
    const file = await lstat(join(dir, name)).catch(() => null);
    if (file?.isFile() && (file.mode & 0o077) !== 0)
      await chmod(join(dir, name), JOURNAL_FILE_MODE).catch(() => undefined);
  }
}

/** One journal not closed cleanly, as `recovery:list` reports it. */
export type RecoverableJournal = InvokeResponse<'recovery:list'>[number];

/** The journals of one directory. */
export class JournalStore {
  constructor(readonly dir: string) {}

  /** A fresh `.open` journal path (the directory is made ready: {@link prepareJournalDir}). */
  async create(now: Date = new Date()): Promise<string> {
    await prepareJournalDir(this.dir);
    const stamp = now.toISOString().replace(/[:.]/g, '-').replace(/Z$/, '');
    const path = join(this.dir, `faultline-${stamp}-${randomBytes(3).toString('hex')}${OPEN_SUFFIX}`);
    // Held by this process until it is closed cleanly (journal-lock.ts).
    await takeJournalLock(path);
    return path;
  }

  /** Marks a journal closed cleanly (renames it, every segment) and prunes old clean ones. Never throws. */
  async markClean(path: string): Promise<void> {
    if (!path.endsWith(OPEN_SUFFIX)) return;
    await renameJournal(path, path.slice(0, -OPEN_SUFFIX.length) + CLEAN_SUFFIX).catch(() => undefined);
    await releaseJournalLock(path).catch(() => undefined);
    await this.prune().catch(() => undefined);
  }

  /** Journals not closed cleanly, newest first, except `exclude` (the live ones). */
  async list(exclude: ReadonlySet<string> = new Set()): Promise<RecoverableJournal[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: RecoverableJournal[] = [];
    for (const name of names) {
      if (!name.endsWith(OPEN_SUFFIX)) continue;
      const id = name.slice(0, -OPEN_SUFFIX.length);
      const path = join(this.dir, name);
      if (!ID_PATTERN.test(id) || exclude.has(path)) continue;
      // Another running instance's live journal: not a crashed session's.
      if ((await journalHolder(path)) !== null) continue;
      const bytes = await journalBytes(path);
      try {
        const trace = await readJournal(path);
        const scenario = trace.header.scenario as { name?: unknown } | null;
        out.push({
          id,
          startedAt: trace.header.startedAt,
          records: trace.records.length,
          bytes,
          scenario: scenario && typeof scenario.name === 'string' ? scenario.name : null,
        });
      } catch {
        // Killed before the header reached the disk: nothing to recover.
        out.push({ id, startedAt: null, records: 0, bytes, scenario: null });
      }
    }
    return out.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
  }

  /** Reads journal `id` as a `trace:opened` payload (BAD_REQUEST if unknown, BAD_TRACE if unreadable). */
  async open(id: string): Promise<EventPayload<'trace:opened'>> {
    const path = await this.existing(id);
    try {
      const trace = await readJournal(path);
      return {
        name: `${id}${CLEAN_SUFFIX}`,
        header: trace.header,
        records: trace.records,
        truncated: trace.truncated,
        warnings: ['Recovered from the journal of a session that did not close cleanly.', ...trace.warnings],
      };
    } catch (error) {
      if (error instanceof TraceReadError) throw serviceError('BAD_TRACE', error.message);
      throw error;
    }
  }

  /** Deletes journal `id` (every segment, and its lock); BUSY while a running process holds it. */
  async discard(id: string): Promise<void> {
    const path = await this.existing(id);
    const holder = await journalHolder(path);
    if (holder !== null)
      throw serviceError(
        'BUSY',
        holder === 'elsewhere'
          ? `Journal "${id}" belongs to a Faultline on another machine; it is not discarded from here.`
          : `Journal "${id}" belongs to a Faultline that is still running (pid ${holder}); it is not discarded while that process runs.`,
      );
    await removeJournal(path);
    await releaseJournalLock(path);
  }

  private async existing(id: string): Promise<string> {
    const path = this.pathOf(id);
    const found = await stat(path).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!found)
      throw serviceError(
        'BAD_REQUEST',
        `There is no unfinished journal "${id}" (it may have been discarded).`,
      );
    return path;
  }

  private pathOf(id: string): string {
    if (!ID_PATTERN.test(id)) throw serviceError('BAD_REQUEST', `"${id.slice(0, 64)}" is not a journal id.`);
    return join(this.dir, `${id}${OPEN_SUFFIX}`);
  }

  private async prune(): Promise<void> {
    const names = (await readdir(this.dir))
      .filter((n) => n.endsWith(CLEAN_SUFFIX) && !n.endsWith(OPEN_SUFFIX))
      .sort();
    for (const name of names.slice(0, Math.max(0, names.length - KEPT_CLEAN_JOURNALS)))
      await removeJournal(join(this.dir, name));
  }
}
