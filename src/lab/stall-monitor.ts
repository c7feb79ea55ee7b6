/**
 * Measures how late this process's event loop runs: a timer asks to be woken every
 * {@link TICK_MS} and notes how much later it actually ran. A lateness at or past the threshold
 * is a stall (the loop was blocked or the process was not scheduled); it is reported once, as it
 * ends. The lab process and the channel-server child each run one (see src/shared/model/stalls.ts
 * for why a scaled run cares). The timer is unref'd: it never keeps a process alive.
 */

/** This process's user + system CPU time, µs. */
function processCpuUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** How often the monitor's timer asks to run (ms). */
export const TICK_MS = 20;

/** What a monitor has seen since it started. */
export interface StallSummary {
  /** The largest lateness seen, stall or not (real ms). */
  worstMs: number;
  /** Ticks observed. */
  ticks: number;
  /** Stalls reported. */
  stalls: number;
}

/** See the file comment. */
export class StallMonitor {
  private timer: NodeJS.Timeout | null = null;
  private expected = 0;
  private lastCpuUs = 0;
  private summary: StallSummary = { worstMs: 0, ticks: 0, stalls: 0 };

  /**
   * @param thresholdMs lateness (real ms) from which a tick counts as a stall
   * @param onStall called with each stall's length (real ms), as it ends, and the CPU time this
   *   process used meanwhile (ms; close to the length when the process itself was busy, close to
   *   0 when the machine did not schedule it)
   * @param now the clock (for tests)
   * @param cpuUs this process's CPU time in µs (for tests)
   */
  constructor(
    private readonly thresholdMs: number,
    private readonly onStall: (ms: number, cpuMs: number) => void,
    private readonly now: () => number = () => performance.now(),
    private readonly cpuUs: () => number = processCpuUs,
  ) {}

  /** Starts measuring (idempotent). */
  start(): this {
    if (this.timer) return this;
    this.expected = this.now() + TICK_MS;
    this.lastCpuUs = this.cpuUs();
    this.schedule();
    return this;
  }

  /** The threshold in force (real ms). */
  get threshold(): number {
    return this.thresholdMs;
  }

  /** What was seen so far. */
  get seen(): StallSummary {
    return { ...this.summary };
  }

  /** Stops measuring (idempotent). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One tick: how late it ran is how long the loop could not run it. */
  tick(): void {
    const now = this.now();
    const cpu = this.cpuUs();
    const late = Math.max(0, now - this.expected);
    this.summary.ticks++;
    if (late > this.summary.worstMs) this.summary.worstMs = late;
    if (late >= this.thresholdMs) {
      this.summary.stalls++;
      // The CPU time since the last tick covers the stall and one tick interval; taking a whole
      // interval off (as if the process were busy through it) errs by up to TICK_MS toward
      // "waiting for a CPU". process.cpuUsage() counts every thread of the process.
      const cpuMs = Math.max(0, Math.min(late, (cpu - this.lastCpuUs) / 1000 - TICK_MS));
      this.onStall(Math.round(late * 10) / 10, Math.round(cpuMs * 10) / 10);
    }
    this.expected = now + TICK_MS;
    this.lastCpuUs = cpu;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.tick();
      if (this.timer) this.schedule();
    }, TICK_MS);
    this.timer.unref();
  }
}
