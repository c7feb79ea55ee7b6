/**
 * CPU and memory of a process over a window, from `pidusage` (cumulative CPU time deltas, so
 * the figure is the average over the window, not one instant).
 */
import pidusage from 'pidusage';

/** CPU (% of one core, averaged over the window) and RSS (MiB at the end) of one process. */
export interface ProcessUsage {
  cpuPct: number;
  rssMiB: number;
  windowMs: number;
}

/** A started measurement; {@link UsageWindow.end} gives the figures since the start. */
export interface UsageWindow {
  end(): Promise<ProcessUsage>;
}

/** Starts measuring `pid`; rejects when the process does not exist. */
export async function startUsage(pid: number): Promise<UsageWindow> {
  const before = await pidusage(pid);
  return {
    async end(): Promise<ProcessUsage> {
      const after = await pidusage(pid);
      pidusage.clear();
      const windowMs = after.timestamp - before.timestamp;
      return {
        cpuPct: windowMs > 0 ? ((after.ctime - before.ctime) / windowMs) * 100 : Number.NaN,
        rssMiB: after.memory / (1024 * 1024),
        windowMs,
      };
    },
  };
}

/** Measures `pid` over `windowMs` of real time. */
export async function usageOver(pid: number, windowMs: number): Promise<ProcessUsage> {
  const window = await startUsage(pid);
  await new Promise((r) => setTimeout(r, windowMs));
  return window.end();
}
