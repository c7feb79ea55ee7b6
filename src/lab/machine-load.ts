/**
 * How busy the whole machine is, from the kernel's per-core CPU times (every process counts, a
 * browser's included), and a wait for it to calm down. A scaled run's timeouts are only as good
 * as the CPU the lab gets: Chromium keeps both cores of a small machine busy for about a second
 * after its first page is ready (measured: 75–90 % for 1.0 s, then under 10 %), which is when a
 * timeline would otherwise start.
 */
import os from 'node:os';

/** The busy share of all cores over one measured window (0–1). */
export type BusyShare = number;

/** The kernel's CPU time counters summed over all cores, ms (see {@link busyShareBetween}). */
export interface CpuTotals {
  idle: number;
  total: number;
}

/** The kernel's CPU counters now, summed over all cores. */
export function cpuTotals(): CpuTotals {
  let idle = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, total };
}

/** Options of {@link waitForQuietMachine}. */
export interface QuietOptions {
  /** The machine counts as quiet at or below this busy share (default 0.5: a core of two free). */
  busyAtMost?: number;
  /** One measuring window, ms (default 100). */
  windowMs?: number;
  /** Quiet windows in a row that settle it (default 2). */
  windowsInARow?: number;
  /** Gives up after this long, ms (default 5000). */
  maxWaitMs?: number;
  signal?: AbortSignal;
}

/** What {@link waitForQuietMachine} saw. */
export interface QuietResult {
  /** Whether it settled before `maxWaitMs`. */
  settled: boolean;
  /** How long it waited, ms. */
  waitedMs: number;
  /** The busy share of the first window, and of the last. */
  firstBusy: BusyShare;
  lastBusy: BusyShare;
}

/** The busy share of all cores between two readings of {@link cpuTotals}. */
export function busyShareBetween(before: CpuTotals, now: CpuTotals): BusyShare {
  const total = now.total - before.total;
  return total > 0 ? Math.min(1, Math.max(0, 1 - (now.idle - before.idle) / total)) : 0;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Resolves once the machine's CPU has been at most `busyAtMost` busy for `windowsInARow`
 * windows in a row, or after `maxWaitMs` (then `settled` is false). Bounded in time; reads
 * only the kernel's CPU counters.
 */
export async function waitForQuietMachine(options: QuietOptions = {}): Promise<QuietResult> {
  const busyAtMost = options.busyAtMost ?? 0.5;
  const windowMs = options.windowMs ?? 100;
  const needed = options.windowsInARow ?? 2;
  const maxWaitMs = options.maxWaitMs ?? 5000;
  const started = performance.now();
  let first: BusyShare | null = null;
  let last: BusyShare = 0;
  let quiet = 0;
  let before = cpuTotals();
  while (!options.signal?.aborted) {
    await sleep(windowMs);
    const now = cpuTotals();
    last = busyShareBetween(before, now);
    before = now;
    first ??= last;
    quiet = last <= busyAtMost ? quiet + 1 : 0;
    const waitedMs = performance.now() - started;
    if (quiet >= needed) return { settled: true, waitedMs, firstBusy: first, lastBusy: last };
    if (waitedMs >= maxWaitMs) return { settled: false, waitedMs, firstBusy: first, lastBusy: last };
  }
  return { settled: false, waitedMs: performance.now() - started, firstBusy: first ?? last, lastBusy: last };
}
