/**
 * A lab's account of its own stalls: the monitor of the lab process (started before anything
 * else, so the lab's start is measured too), plus what the server child and the browser pages
 * report. Every stall counts toward {@link LabStalls.worstMs}; those at least the threshold of
 * the lab's timing (src/shared/model/stalls.ts) become `stall` records once a recorder is
 * attached.
 */
import type { LabTiming } from '../shared/model/config';
import { stallThresholdMs } from '../shared/model/stalls';
import type { StallSource } from '../shared/trace/records';
import type { RecordSink } from '../shared/trace/sink';
import { StallMonitor } from './stall-monitor';

/** See the file comment. */
export class LabStalls {
  private readonly monitor: StallMonitor;
  private sink: RecordSink | null = null;
  private worstReported = 0;
  private stopped = false;

  /** Starts measuring the lab process now, at the threshold for `timing`. */
  constructor(timing: LabTiming) {
    this.monitor = new StallMonitor(stallThresholdMs(timing), (ms, cpuMs) =>
      this.note('lab', null, ms, cpuMs),
    ).start();
  }

  /** From now on, stalls past the threshold are recorded into `sink`. */
  attach(sink: RecordSink): void {
    this.sink = sink;
  }

  /** One stall of an event loop (real ms; `cpuMs` where the process could tell). */
  note(source: StallSource, uid: number | null, ms: number, cpuMs?: number): void {
    if (this.stopped) return;
    if (source !== 'lab') this.worstReported = Math.max(this.worstReported, ms);
    const thresholdMs = this.monitor.threshold;
    if (ms < thresholdMs || !this.sink) return;
    this.sink({ type: 'stall', uid, source, ms, ...(cpuMs === undefined ? {} : { cpuMs }), thresholdMs });
  }

  /**
   * The longest any of the lab's event loops ran late so far, in real ms: what this machine
   * cannot promise a scaled run.
   */
  worstMs(): number {
    return Math.max(this.worstReported, this.monitor.seen.worstMs);
  }

  /** Stops measuring and recording (idempotent). */
  stop(): void {
    this.stopped = true;
    this.monitor.stop();
  }
}
