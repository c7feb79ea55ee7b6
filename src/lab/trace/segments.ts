/**
 * The on-disk layout of a (possibly rotated) journal, and reading it back as one trace.
 *
 * A journal is named by its base path, e.g. `run.open.ndjson`. The segment being written is
 * always the base path itself; closed segments sit beside it as `<base>.000001.gz`,
 * `<base>.000002.gz`, … (plain `<base>.000001` while being compressed). Every segment starts with
 * the header line, so each is a valid trace by itself; records keep their global seq. A journal
 * that never rotated is just the base file (the original single-file layout).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { basename, dirname, join } from 'node:path';
import type { TraceHeader, TraceRecord } from '../../shared/trace/records';
import { readTrace, TraceReadError } from './reader';
import type { ReadTraceOptions, ReadTraceResult } from './reader';

/**
 * Mode of every journal file (segments, their gzip copies): the owner's only. A journal holds the
 * unredacted trace (addresses, tokens' channel and uid, page URLs), so no other user may read it.
 */
export const JOURNAL_FILE_MODE = 0o600;

/** One file of a journal, in trace order. */
export interface JournalFile {
  path: string;
  /** 1, 2, … for closed segments; Infinity for the base (live or last) segment. */
  index: number;
  gzip: boolean;
}

/** The path of closed segment `index` (plain, or `.gz` when compressed). */
export function segmentPath(base: string, index: number, gzip = false): string {
  return `${base}.${String(index).padStart(6, '0')}${gzip ? '.gz' : ''}`;
}

/**
 * Gzips closed segment `index` of `base` (to a temp file, renamed when complete; then the plain
 * file goes). On failure the plain segment stays, still a readable part of the journal. Answers
 * what is on disk now (`bytes` falls back to `plainBytes` when even that cannot be read).
 */
export async function gzipSegment(
  base: string,
  index: number,
  plainBytes: number,
): Promise<{ gzip: boolean; bytes: number }> {
  const plain = segmentPath(base, index);
  const gz = segmentPath(base, index, true);
  const tmp = `${gz}.tmp`;
  try {
    await pipeline(
      createReadStream(plain),
      createGzip({ level: 6 }),
      createWriteStream(tmp, { mode: JOURNAL_FILE_MODE }),
    );
    await rename(tmp, gz);
    await rm(plain, { force: true });
    return { gzip: true, bytes: (await stat(gz)).size };
  } catch {
    await rm(tmp, { force: true }).catch(() => undefined);
    return { gzip: false, bytes: (await stat(plain).catch(() => null))?.size ?? plainBytes };
  }
}

/** Deletes closed segment `index` of `base`, plain or compressed (missing files are fine). */
export async function removeSegment(base: string, index: number): Promise<void> {
  await rm(segmentPath(base, index), { force: true }).catch(() => undefined);
  await rm(segmentPath(base, index, true), { force: true }).catch(() => undefined);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The files of journal `base`, oldest first: closed segments (a plain copy wins over a
 * compressed one of the same index: it is complete by construction), then the base file.
 */
export async function listJournalFiles(base: string): Promise<JournalFile[]> {
  const pattern = new RegExp(`^${escapeRegExp(basename(base))}\\.(\\d{6,})(\\.gz)?$`);
  const names = await readdir(dirname(base)).catch(() => [] as string[]);
  const byIndex = new Map<number, JournalFile>();
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m) continue;
    const index = Number(m[1]);
    const file = { path: join(dirname(base), name), index, gzip: m[2] !== undefined };
    const seen = byIndex.get(index);
    if (!seen || (seen.gzip && !file.gzip)) byIndex.set(index, file);
  }
  const files = [...byIndex.values()].sort((a, b) => a.index - b.index);
  const last = await stat(base).catch(() => null);
  if (last?.isFile()) files.push({ path: base, index: Infinity, gzip: false });
  return files;
}

/** Total bytes on disk of journal `base` (all segments). */
export async function journalBytes(base: string): Promise<number> {
  let total = 0;
  for (const file of await listJournalFiles(base))
    total += (await stat(file.path).catch(() => null))?.size ?? 0;
  return total;
}

/** Moves journal `from` (every segment) to base `to`; live journals follow the move. */
export async function renameJournal(from: string, to: string): Promise<void> {
  for (const file of await listJournalFiles(from)) {
    const target = file.index === Infinity ? to : segmentPath(to, file.index, file.gzip);
    await rename(file.path, target);
  }
  notifyMoved(from, to);
}

/** Deletes journal `base` (every segment, and compression leftovers). */
export async function removeJournal(base: string): Promise<void> {
  const files = await listJournalFiles(base);
  for (const file of files) {
    await rm(file.path, { force: true });
    if (file.index !== Infinity) {
      await rm(segmentPath(base, file.index, !file.gzip), { force: true });
      await rm(`${segmentPath(base, file.index, true)}.tmp`, { force: true });
    }
  }
  await rm(base, { force: true });
}

/** Something that keeps a journal's path and must follow {@link renameJournal}. */
export interface JournalMoveFollower {
  /** Called after journal `from` was moved to `to`. */
  journalMoved(from: string, to: string): void;
}

const followers = new Set<WeakRef<JournalMoveFollower>>();

/** Makes `follower` hear of every {@link renameJournal} for as long as it lives (weakly held). */
export function followJournalMoves(follower: JournalMoveFollower): void {
  followers.add(new WeakRef(follower));
}

function notifyMoved(from: string, to: string): void {
  for (const ref of [...followers]) {
    const follower = ref.deref();
    if (!follower) followers.delete(ref);
    else follower.journalMoved(from, to);
  }
}

/** How often {@link streamJournal} lists the files again to catch up with a rotating writer. */
const MAX_PASSES = 100;

/** One segment as read by {@link streamJournal}. */
export interface JournalSegment extends ReadTraceResult {
  path: string;
}

/**
 * Reads journal `base` one segment at a time, oldest first (memory: one segment). Safe against a
 * writer rotating meanwhile: the files are listed again after the base was read, segments that
 * appeared are read too, and records already yielded (by seq) are not yielded twice. Errors are
 * the reader's typed {@link TraceReadError}s; a last segment with no intact header (the writer
 * was killed right after a rotation) is skipped with a warning.
 */
export async function* streamJournal(
  base: string,
  opts: ReadTraceOptions = {},
): AsyncGenerator<JournalSegment> {
  let files = await listJournalFiles(base);
  if (files.length === 0) {
    // No file at all: let the reader say so with its usual IO_ERROR.
    yield { path: base, ...(await readTrace(base, opts)) };
    return;
  }
  let lastIndex = 0;
  let lastSeq = 0;
  let previous: JournalSegment | null = null;
  for (let pass = 0; pass < MAX_PASSES && files.length > 0; pass++) {
    let baseRead = false;
    for (let i = 0; i < files.length; i++) {
      const file = files[i]!;
      let segment: JournalSegment;
      try {
        segment = await readSegment(file, opts);
      } catch (error) {
        // The base missing for a moment (a rotation without hard links): list again.
        const gone = error instanceof TraceReadError && error.code === 'IO_ERROR';
        if (gone && file.index === Infinity && previous && pass < MAX_PASSES - 1) break;
        // A closed segment deleted meanwhile (maxJournalBytes): its drop notice is in the journal.
        if (gone && file.index !== Infinity) continue;
        const last = i === files.length - 1;
        if (!(last && previous && error instanceof TraceReadError && error.code === 'NOT_A_TRACE'))
          throw error;
        previous.truncated = true;
        previous.warnings.push(
          `The journal's last segment (${basename(file.path)}) holds no intact header; it was skipped.`,
        );
        break;
      }
      const fresh = segment.records.findIndex((r) => r.seq > lastSeq);
      // A gap: the base moved on past segments closed since the listing, or the listing raced a
      // compression's rename. List again and read what is missing first.
      if (lastSeq > 0 && fresh >= 0 && segment.records[fresh]!.seq > lastSeq + 1 && pass < MAX_PASSES - 1)
        break;
      if (file.index !== Infinity) lastIndex = file.index;
      else baseRead = true;
      segment.records = fresh < 0 ? [] : fresh === 0 ? segment.records : segment.records.slice(fresh);
      if (segment.records.length > 0) lastSeq = segment.records[segment.records.length - 1]!.seq;
      if (previous) yield previous;
      previous = segment;
    }
    // Segments closed while we read: read them, then the (new) base again.
    const all = await listJournalFiles(base);
    if (baseRead && !all.some((f) => f.index !== Infinity && f.index > lastIndex)) break;
    files = all.filter((f) => f.index > lastIndex);
  }
  if (previous) yield previous;
}

/** Reads one file; a plain closed segment compressed (and removed) meanwhile is read as its `.gz`. */
async function readSegment(file: JournalFile, opts: ReadTraceOptions): Promise<JournalSegment> {
  try {
    return { path: file.path, ...(await readTrace(file.path, opts)) };
  } catch (error) {
    const moved = !file.gzip && file.index !== Infinity && error instanceof TraceReadError;
    if (!moved || error.code !== 'IO_ERROR') throw error;
    const gz = `${file.path}.gz`;
    return { path: gz, ...(await readTrace(gz, opts)) };
  }
}

/**
 * Reads journal `base` (rotated or single-file, plain or gzip) as one trace: the first
 * segment's header, every segment's records in order, the segments' warnings. A truncated last
 * segment opens what is intact with a warning. Rejects with a {@link TraceReadError}.
 */
export async function readJournal(base: string, opts: ReadTraceOptions = {}): Promise<ReadTraceResult> {
  let header: TraceHeader | null = null;
  const records: TraceRecord[] = [];
  const skipped: ReadTraceResult['skipped'] = { unknownType: 0, invalid: [], invalidTotal: 0, oversize: 0 };
  const warnings: string[] = [];
  let truncated = false;
  let count = 0;
  for await (const segment of streamJournal(base, opts)) {
    count++;
    header ??= segment.header;
    for (const record of segment.records) records.push(record);
    skipped.unknownType += segment.skipped.unknownType;
    skipped.invalid.push(...segment.skipped.invalid);
    skipped.invalidTotal += segment.skipped.invalidTotal;
    skipped.oversize += segment.skipped.oversize;
    truncated ||= segment.truncated;
    for (const w of segment.warnings) warnings.push(count > 1 ? `${basename(segment.path)}: ${w}` : w);
  }
  if (!header) throw new TraceReadError('NOT_A_TRACE', `${base} holds no trace.`);
  return { header, records, skipped, truncated, warnings };
}

/**
 * The records of journal `base`, oldest first, streamed (one segment in memory at a time); for
 * exports of traces longer than the recorder's ring. Rejects like {@link streamJournal}.
 */
export async function* journalRecords(
  base: string,
  opts: ReadTraceOptions = {},
): AsyncGenerator<TraceRecord> {
  for await (const segment of streamJournal(base, opts)) yield* segment.records;
}
