/**
 * The trace recorder: the one place that stamps `seq` and `t` on records. It keeps the newest
 * records in a bounded ring (for late subscribers), hands batches to listeners (IPC, CLI
 * progress) at most once per flush interval, and journals them to disk as it goes.
 */
import { performance } from 'node:perf_hooks';
import type { RecordInput, TraceHeader, TraceRecord } from '../../shared/trace/records';
import type { RecordSink } from '../../shared/trace/sink';
import { makeHeader, redact, serializeHeader } from '../../shared/trace/serialize';
import type { TraceHeaderInit } from '../../shared/trace/serialize';
import { TraceJournal } from './journal';
import type { DroppedSegment, JournalError, JournalRotation } from './journal';
import { RingBuffer } from './ring';
import { journalRecords } from './segments';

/** Options of a {@link TraceRecorder}. */
export interface TraceRecorderOptions {
  /** Header fields; `format`/`version` are filled in, `startedAt` defaults to now. */
  header: TraceHeaderInit & Partial<Pick<TraceHeader, 'format' | 'version'>>;
  /** Where to journal records (NDJSON, header first); no journal when omitted. */
  journalPath?: string;
  /** How the journal rotates into segments (size, count, total cap); see `journal.ts`. */
  journal?: JournalRotation;
  /** How many records the in-memory ring keeps (default 100 000). */
  ringCapacity?: number;
  /** Batch period for listeners and the journal, ms (default 100). */
  flushIntervalMs?: number;
  /** Monotonic clock in ms (default `performance.now`). `t` counts from its value at construction. */
  now?: () => number;
}

/** Default ring capacity. */
export const DEFAULT_RING_CAPACITY = 100_000;
/** Default batch period, ms. */
export const DEFAULT_FLUSH_INTERVAL_MS = 100;

type BatchListener = (records: TraceRecord[]) => void;

/**
 * Stamps, keeps, batches and journals trace records.
 *
 * - `seq` counts from 1; `t` is ms since construction on a monotonic clock, rounded to 0.1 ms
 *   and never decreasing.
 * - Every record passes the redaction guard ({@link redact}): fields named `token`, `secret` or
 *   `sdp` are dropped, SDP- or token-shaped strings replaced.
 * - Records are not schema-validated here (cheap path; tests validate them).
 * - `record()` never throws into a producer, and a throwing batch listener never stops
 *   recording (its first failure is recorded as a `log` record).
 * - After `close()`, records are still stamped and kept in the ring, but neither batched nor
 *   journaled.
 */
export class TraceRecorder {
  /** The header written as line 1 of the journal and of exports. */
  readonly header: TraceHeader;
  /** {@link record}, bound: hand this to producers. */
  readonly sink: RecordSink;

  private readonly ring: RingBuffer<TraceRecord>;
  private readonly journal: TraceJournal | null;
  private readonly now: () => number;
  private readonly origin: number;
  private readonly flushIntervalMs: number;
  private readonly listeners = new Set<BatchListener>();
  private readonly failedListeners = new WeakSet<BatchListener>();
  private batch: TraceRecord[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private nextSeq = 1;
  private lastT = 0;
  private closed: Promise<void> | null = null;

  constructor(opts: TraceRecorderOptions) {
    const ringCapacity = opts.ringCapacity ?? DEFAULT_RING_CAPACITY;
    const flushIntervalMs = opts.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    if (!(flushIntervalMs > 0) || !Number.isFinite(flushIntervalMs)) {
      throw new RangeError(`flushIntervalMs must be a positive number of ms, got ${flushIntervalMs}`);
    }
    this.flushIntervalMs = flushIntervalMs;
    this.ring = new RingBuffer<TraceRecord>(ringCapacity);
    this.now = opts.now ?? (() => performance.now());
    this.origin = this.now();
    this.header = makeHeader(opts.header);
    this.journal = opts.journalPath
      ? new TraceJournal(opts.journalPath, serializeHeader(this.header), {
          ...opts.journal,
          onDrop: (dropped) => this.recordDrop(dropped),
        })
      : null;
    this.sink = (input) => {
      this.record(input);
    };
  }

  /** The journal's path, if any. */
  get journalPath(): string | undefined {
    return this.journal?.path;
  }

  /** The journal's first error, if it failed (recording goes on in memory). */
  get journalError(): JournalError | null {
    return this.journal?.error ?? null;
  }

  /** How many of the records stamped so far the ring no longer holds (the oldest ones). */
  get droppedFromRing(): number {
    return this.nextSeq - 1 - this.ring.size;
  }

  /** The seq of the oldest record in the ring (the next seq when the ring is empty). */
  get firstSeqInRing(): number {
    return this.ring.at(0)?.seq ?? this.nextSeq;
  }

  /** The seq the next record will get. */
  get nextSequence(): number {
    return this.nextSeq;
  }

  /** Milliseconds since the trace started, as `t` would be stamped now. */
  elapsed(): number {
    return Math.max(this.lastT, Math.round((this.now() - this.origin) * 10) / 10);
  }

  /** Stamps `seq` and `t` on a record, keeps it, and queues it for the next batch. */
  record(input: RecordInput): TraceRecord {
    const seq = this.nextSeq++;
    const t = this.elapsed();
    this.lastT = t;
    const record = { seq, t, ...(redact(input) as object) } as TraceRecord;
    record.seq = seq;
    record.t = t;
    this.ring.push(record);
    if (!this.closed) {
      this.batch.push(record);
      this.timer ??= setTimeout(() => {
        this.timer = null;
        this.emitBatch();
      }, this.flushIntervalMs);
    }
    return record;
  }

  /**
   * Calls `listener` with each batch of new records (at most one batch per flush interval; the
   * array is shared between listeners: do not modify it). Returns an unsubscribe function.
   */
  onBatch(listener: (records: TraceRecord[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` when the journal fails (once). Returns an unsubscribe function. */
  onJournalError(listener: (error: JournalError) => void): () => void {
    return this.journal ? this.journal.onError(listener) : () => undefined;
  }

  /**
   * Every record so far, oldest first, for an export: the ring when it still holds them all,
   * else streamed from the journal (made complete first; one segment in memory at a time).
   * Without a usable journal, the ring's records (the newest ones).
   */
  async allRecords(): Promise<{
    records: Iterable<TraceRecord> | AsyncIterable<TraceRecord>;
    complete: boolean;
  }> {
    const path = this.journalPath;
    if (this.droppedFromRing === 0) return { records: this.snapshot(), complete: true };
    if (!path || this.journalError) return { records: this.snapshot(), complete: false };
    try {
      await this.flushJournal();
    } catch {
      return { records: this.snapshot(), complete: false };
    }
    return { records: journalRecords(path), complete: true };
  }

  /** The ring's records, oldest first (the newest `ringCapacity` records). */
  snapshot(): TraceRecord[] {
    return this.ring.toArray();
  }

  /**
   * Records with a seq greater than `seq` that are still in the ring, oldest first:
   * `recordsSince(0)` is the whole ring, `recordsSince(lastSeenSeq)` what a subscriber missed.
   */
  recordsSince(seq: number): TraceRecord[] {
    const oldest = this.ring.at(0);
    if (!oldest) return [];
    const after = Number.isFinite(seq) ? Math.floor(seq) : 0;
    return this.ring.slice(after - oldest.seq + 1);
  }

  /**
   * Emits the pending batch now and makes the journal durable (written and fsynced) up to
   * now. Rejects with a {@link JournalError} if the journal failed.
   */
  async flush(): Promise<void> {
    this.emitBatch();
    await this.journal?.sync();
  }

  /**
   * Makes the journal complete up to now, for reading it back: {@link flush} while recording,
   * or the close (and its background compression) once closed.
   */
  async flushJournal(): Promise<void> {
    if (this.closed) return this.closed;
    await this.flush();
    await this.journal?.settled();
  }

  /** Final batch, fsync and close of the journal; stops the timer. Idempotent. */
  close(): Promise<void> {
    if (!this.closed) {
      this.emitBatch();
      // A listener that failed in that batch left a `log` record: journal it too.
      this.emitBatch();
      this.closed = this.journal ? this.journal.close() : Promise.resolve();
    }
    return this.closed;
  }

  private emitBatch(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.batch.length === 0) return;
    const records = this.batch;
    this.batch = [];
    if (this.journal) {
      const lines = new Array<string>(records.length);
      for (let i = 0; i < records.length; i++) lines[i] = this.lineOf(records[i]!);
      this.journal.append(lines, records[0]!.seq, records[records.length - 1]!.seq);
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(records);
      } catch (e) {
        if (!this.failedListeners.has(listener)) {
          this.failedListeners.add(listener);
          this.record({
            type: 'log',
            uid: null,
            level: 'error',
            msg: `A trace batch listener failed (recording goes on): ${(e as Error)?.message ?? String(e)}`,
          });
        }
      }
    }
  }

  private recordDrop(dropped: DroppedSegment): void {
    const range =
      dropped.firstSeq === null
        ? 'an unknown seq range'
        : `records seq ${dropped.firstSeq}–${dropped.lastSeq}`;
    const record = this.record({
      type: 'log',
      uid: null,
      level: 'warn',
      msg: `The journal passed its size limit: its oldest segment (${dropped.bytes} bytes, ${range}) was deleted from disk.`,
    });
    // While closing, the journal still takes this notice (it waits for compression first).
    if (this.closed) this.journal?.append([this.lineOf(record)], record.seq, record.seq);
  }

  private lineOf(record: TraceRecord): string {
    try {
      // Already redacted in record(): plain JSON here.
      return JSON.stringify(record);
    } catch (e) {
      // Cycles or BigInt from a producer: keep the seq, say what happened.
      return JSON.stringify({
        seq: record.seq,
        t: record.t,
        type: 'log',
        uid: record.uid ?? null,
        level: 'error',
        msg: `record of type ${String(record.type)} could not be serialized: ${(e as Error).message}`,
      });
    }
  }
}
