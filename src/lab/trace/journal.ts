/**
 * The recorder's journal: append-only NDJSON written in batches through one file handle. Every
 * batch is handed to the OS as soon as it is flushed (a killed process loses only what was not
 * flushed yet); `sync()` and `close()` also fsync, for power loss.
 *
 * Rotation (see `segments.ts` for the layout): when the segment being written passes
 * `segmentBytes` or `segmentRecords`, it is closed, renamed to `<path>.NNNNNN`, gzipped in the
 * background (one segment at a time, streamed through zlib's thread pool) and a new segment
 * starts at `path` with the header line again. With `maxJournalBytes`, the oldest closed
 * segments are deleted to stay under it, and `onDrop` says which seq range went.
 */
import { link, open, rename, rm, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { JOURNAL_FILE_MODE, followJournalMoves, gzipSegment, removeSegment, segmentPath } from './segments';
import type { JournalMoveFollower } from './segments';
import { CodedError } from '../../shared/errors';

/** The journal file could not be opened, or a write or fsync failed (`code` says which). */
export class JournalError extends CodedError<'JOURNAL_OPEN_FAILED' | 'JOURNAL_WRITE_FAILED'> {
  override readonly name = 'JournalError';
}

/** Default size at which a segment is closed: 64 MiB. */
export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

/** How a journal rotates. All optional. */
export interface JournalRotation {
  /** Close the open segment once it holds this many bytes (default 64 MiB). */
  segmentBytes?: number;
  /** … or this many record lines (default: no count limit). */
  segmentRecords?: number;
  /** Delete the oldest closed segments to keep the journal under this many bytes (default: no limit). */
  maxJournalBytes?: number;
}

/** A closed segment deleted to honour `maxJournalBytes`. */
export interface DroppedSegment {
  /** Seq range of the records it held (null when unknown). */
  firstSeq: number | null;
  lastSeq: number | null;
  bytes: number;
  path: string;
}

/** Options of a {@link TraceJournal}. */
export interface TraceJournalOptions extends JournalRotation {
  /** Called when a closed segment is deleted for `maxJournalBytes`. */
  onDrop?: (dropped: DroppedSegment) => void;
}

interface Chunk {
  text: string;
  lines: number;
  firstSeq: number | null;
  lastSeq: number | null;
}

interface Segment {
  index: number;
  bytes: number;
  lines: number;
  gzip: boolean;
  /** Compression was tried (the segment counts towards the cap). */
  processed: boolean;
  dropped: boolean;
  firstSeq: number | null;
  lastSeq: number | null;
}

function freshSegment(): Segment {
  return {
    index: 0,
    bytes: 0,
    lines: 0,
    gzip: false,
    processed: false,
    dropped: false,
    firstSeq: null,
    lastSeq: null,
  };
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value > 0)) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

/**
 * Append-only writer of text lines. Writes never overlap: lines appended while a write is in
 * flight are coalesced into the next one. No synchronous I/O.
 */
export class TraceJournal implements JournalMoveFollower {
  private base: string;
  private handle: Promise<FileHandle | null>;
  private pending: Chunk[] = [];
  private draining: Promise<void> | null = null;
  private failure: JournalError | null = null;
  private closing: Promise<void> | null = null;
  private sealed = false;
  private rotationStopped = false;
  private readonly errorListeners = new Set<(error: JournalError) => void>();
  private written = 0;
  private readonly headerText: string;
  private readonly segmentBytes: number;
  private readonly segmentRecords: number;
  private readonly maxJournalBytes: number;
  private readonly onDrop: ((dropped: DroppedSegment) => void) | undefined;
  private current: Segment;
  private readonly closed: Segment[] = [];
  private compressing: Promise<void> = Promise.resolve();

  /**
   * Creates (or truncates) `path` and writes `firstLine` (the header) as line 1 of every segment.
   * @param path journal file (the base of its segments); its directory must exist.
   */
  constructor(path: string, firstLine: string, opts: TraceJournalOptions = {}) {
    this.base = path;
    this.headerText = firstLine + '\n';
    this.segmentBytes = positive('segmentBytes', opts.segmentBytes, DEFAULT_SEGMENT_BYTES);
    this.segmentRecords = positive('segmentRecords', opts.segmentRecords, Infinity);
    this.maxJournalBytes = positive('maxJournalBytes', opts.maxJournalBytes, Infinity);
    this.onDrop = opts.onDrop;
    this.current = freshSegment();
    this.pending.push({ text: this.headerText, lines: 0, firstSeq: null, lastSeq: null });
    this.handle = this.openSegment();
    followJournalMoves(this);
    this.kick();
  }

  /** The journal's base path (it follows `renameJournal`). */
  get path(): string {
    return this.base;
  }

  /** @inheritdoc */
  journalMoved(from: string, to: string): void {
    if (from === this.base) this.base = to;
  }

  /** The first error, if the journal failed (recording goes on in memory). */
  get error(): JournalError | null {
    return this.failure;
  }

  /** Bytes handed to the OS so far (all segments, before compression). */
  get bytesWritten(): number {
    return this.written;
  }

  /** How many segments were closed (rotated) so far. */
  get rotations(): number {
    return this.closed.length;
  }

  /** Calls `listener` once when the journal fails. Returns an unsubscribe function. */
  onError(listener: (error: JournalError) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /**
   * Queues lines (without newlines) for the next write; `firstSeq`/`lastSeq` name the records
   * they hold (for the drop notice). Ignored once closed (a close still takes lines appended
   * while it waits for compression, e.g. the drop notice) or after failure.
   */
  append(lines: readonly string[], firstSeq: number | null = null, lastSeq: number | null = null): void {
    if (lines.length === 0 || this.sealed || this.failure) return;
    this.pending.push({ text: lines.join('\n') + '\n', lines: lines.length, firstSeq, lastSeq });
    this.kick();
  }

  /** Resolves when everything appended so far is written to the OS; rejects if the journal failed. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
    if (this.failure) throw this.failure;
  }

  /** {@link flush}, then fsync: durable on disk up to now. */
  async sync(): Promise<void> {
    await this.flush();
    const fh = await this.handle;
    if (!fh) throw this.failure!;
    try {
      await fh.sync();
    } catch (e) {
      this.fail(
        new JournalError('JOURNAL_WRITE_FAILED', `fsync of ${this.base} failed: ${(e as Error).message}`),
      );
      throw this.failure!;
    }
  }

  /** Resolves when the background compression of closed segments is done. */
  async settled(): Promise<void> {
    let seen: Promise<void> | null = null;
    while (seen !== this.compressing) {
      seen = this.compressing;
      await seen;
    }
  }

  /** Final write, fsync and close of the file; waits for compression. Idempotent; rejects if the journal failed. */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    let error: unknown = null;
    // Write what is queued (rotating as needed), then no more rotation; let compression finish
    // (its drop notices are still taken), then seal, fsync and close.
    await this.flush().catch(() => undefined);
    this.rotationStopped = true;
    await this.settled();
    this.sealed = true;
    try {
      await this.sync();
    } catch (e) {
      error = e;
    }
    const fh = await this.handle;
    if (fh) {
      try {
        await fh.close();
      } catch (e) {
        error ??= e;
      }
    }
    if (error) throw error;
  }

  private openSegment(flags = 'w'): Promise<FileHandle | null> {
    const path = this.base;
    return open(path, flags, JOURNAL_FILE_MODE).then(
      (fh) => fh,
      (e: unknown) => {
        this.fail(
          new JournalError(
            'JOURNAL_OPEN_FAILED',
            `Cannot open the trace journal ${path}: ${(e as Error).message}. Records stay in memory only.`,
            { cause: e },
          ),
        );
        return null;
      },
    );
  }

  private kick(): void {
    if (this.draining || this.failure) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      if (this.pending.length > 0 && !this.failure) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0 && !this.failure) {
      if (!this.rotationStopped && this.current.bytes > this.headerText.length && this.full())
        await this.rotate();
      const fh = await this.handle;
      if (!fh) return;
      // Take whole batches up to the segment's room (at least one), so rotation keeps pace.
      let room = this.segmentBytes - this.current.bytes;
      let roomLines = this.segmentRecords - this.current.lines;
      let take = 0;
      do {
        const chunk = this.pending[take++]!;
        room -= chunk.text.length;
        roomLines -= chunk.lines;
      } while (take < this.pending.length && room > 0 && roomLines > 0);
      const chunks = this.pending.splice(0, take);
      const data = Buffer.from(
        chunks.length === 1 ? chunks[0]!.text : chunks.map((c) => c.text).join(''),
        'utf8',
      );
      try {
        let offset = 0;
        while (offset < data.length) {
          const { bytesWritten } = await fh.write(data, offset, data.length - offset);
          offset += bytesWritten;
        }
        this.written += data.length;
        this.current.bytes += data.length;
        for (const c of chunks) {
          this.current.lines += c.lines;
          if (c.firstSeq !== null) this.current.firstSeq ??= c.firstSeq;
          if (c.lastSeq !== null) this.current.lastSeq = c.lastSeq;
        }
      } catch (e) {
        this.fail(
          new JournalError(
            'JOURNAL_WRITE_FAILED',
            `Writing the trace journal ${this.base} failed: ${(e as Error).message}. Records stay in memory only.`,
            { cause: e },
          ),
        );
      }
    }
  }

  private full(): boolean {
    return this.current.bytes >= this.segmentBytes || this.current.lines >= this.segmentRecords;
  }

  /**
   * Closes the open segment, moves it aside and starts the next one (header first). The base
   * path never disappears (a reader may be listing): the segment gets a second name (hard link),
   * then a fresh file with the header replaces the base atomically.
   */
  private async rotate(): Promise<void> {
    const fh = await this.handle;
    if (!fh) return;
    const done = { ...this.current, index: this.closed.length + 1 };
    const closedPath = segmentPath(this.base, done.index);
    const next = `${this.base}.next`;
    try {
      await fh.close();
      try {
        await link(this.base, closedPath);
        await writeFile(next, this.headerText, { mode: JOURNAL_FILE_MODE });
        await rename(next, this.base);
      } catch {
        // No hard links here (or the swap failed): a plain rename, the base briefly absent.
        await rm(next, { force: true });
        await rename(this.base, closedPath).catch(() => undefined);
        await writeFile(this.base, this.headerText, { mode: JOURNAL_FILE_MODE });
      }
    } catch (e) {
      this.fail(
        new JournalError(
          'JOURNAL_WRITE_FAILED',
          `Rotating the trace journal ${this.base} failed: ${(e as Error).message}.`,
          {
            cause: e,
          },
        ),
      );
      return;
    }
    this.closed.push(done);
    this.current = freshSegment();
    this.current.bytes = Buffer.byteLength(this.headerText);
    this.written += this.current.bytes;
    this.handle = this.openSegment('a');
    this.compressing = this.compressing.then(() => this.compress(done));
  }

  /** Gzips a closed segment (temp file, rename, then the plain one goes); then enforces the cap. */
  private async compress(segment: Segment): Promise<void> {
    if (!segment.dropped) {
      Object.assign(segment, await gzipSegment(this.base, segment.index, segment.bytes));
      segment.processed = true;
    }
    await this.enforceCap();
  }

  private async enforceCap(): Promise<void> {
    if (this.maxJournalBytes === Infinity) return;
    const live = () => this.closed.filter((s) => !s.dropped);
    // Segments still waiting for compression count (and go) once compressed: a lagging
    // compressor must not make fresh records look like the oldest.
    const done = () => live().filter((s) => s.processed);
    let total = this.current.bytes + done().reduce((n, s) => n + s.bytes, 0);
    for (const oldest of done()) {
      if (total <= this.maxJournalBytes) break;
      const path = segmentPath(this.base, oldest.index, oldest.gzip);
      oldest.dropped = true;
      await removeSegment(this.base, oldest.index);
      total -= oldest.bytes;
      try {
        this.onDrop?.({ firstSeq: oldest.firstSeq, lastSeq: oldest.lastSeq, bytes: oldest.bytes, path });
      } catch {
        // A listener's failure must not affect the journal.
      }
    }
  }

  private fail(error: JournalError): void {
    if (this.failure) return;
    this.failure = error;
    this.pending = [];
    for (const listener of [...this.errorListeners]) {
      try {
        listener(error);
      } catch {
        // A listener's failure must not affect the journal.
      }
    }
  }
}
