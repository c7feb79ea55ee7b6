/**
 * Forwards the current trace to the transports as `trace:records` batches: the recorder already
 * batches every ~100 ms; the feed adds a floor between flushes (so two recorders in a row, or a
 * replaced lab, never exceed ~20 flushes a second) and sends `header` with the first batch of
 * each new trace.
 */
import type { TraceHeader, TraceRecord } from '../../shared/trace/records';
import type { TraceRecorder } from '../../lab';
import type { ServiceEvents } from './events';

/** Options of a {@link TraceFeed}. */
export interface TraceFeedOptions {
  /** Least time between two flushes, ms (default 50: at most 20 a second). */
  minIntervalMs?: number;
  /** Called with every batch as it arrives from the recorder (before throttling). */
  onBatch?: (records: TraceRecord[]) => void;
}

/** Follows one recorder at a time and emits its records as batched events. */
export class TraceFeed {
  private readonly minIntervalMs: number;
  private pending: TraceRecord[] = [];
  private header: TraceHeader | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastFlush = -Infinity;
  private unfollow: (() => void) | null = null;
  private current: TraceRecorder | null = null;
  private flushes = 0;

  constructor(
    private readonly events: ServiceEvents,
    private readonly options: TraceFeedOptions = {},
  ) {
    this.minIntervalMs = options.minIntervalMs ?? 50;
  }

  /** The recorder followed now (or last), if any. */
  get recorder(): TraceRecorder | null {
    return this.current;
  }

  /** How many `trace:records` events were sent (for tests and the bench). */
  get flushCount(): number {
    return this.flushes;
  }

  /**
   * Follows a new trace: sends what is pending of the old one, then the new header (with the
   * records the new recorder holds already) at once, so the renderer resets before new records.
   */
  follow(recorder: TraceRecorder): void {
    this.detach();
    this.flush();
    this.current = recorder;
    this.header = recorder.header;
    this.pending = recorder.snapshot();
    const seen = this.pending.at(-1)?.seq ?? 0;
    this.unfollow = recorder.onBatch((batch) => {
      const fresh = batch[0] && batch[0].seq <= seen ? batch.filter((r) => r.seq > seen) : batch;
      this.options.onBatch?.(fresh);
      this.push(fresh);
    });
    this.flush();
  }

  /** Stops following (what is pending is still sent). */
  detach(): void {
    this.unfollow?.();
    this.unfollow = null;
  }

  /** Sends what is pending now (no-op when nothing is). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0 && !this.header) return;
    const records = this.pending;
    const header = this.header;
    this.pending = [];
    this.header = null;
    this.lastFlush = performance.now();
    this.flushes += 1;
    this.events.emit('trace:records', header ? { header, records } : { records });
  }

  /** Stops following and drops the timer. */
  dispose(): void {
    this.detach();
    this.flush();
  }

  private push(records: TraceRecord[]): void {
    if (records.length === 0) return;
    for (const record of records) this.pending.push(record);
    if (this.timer) return;
    const wait = this.lastFlush + this.minIntervalMs - performance.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }
}
