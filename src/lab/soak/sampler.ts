/**
 * Memory and CPU of every process of a soak over time: the lab's own process
 * (`process.memoryUsage`, `process.cpuUsage`) and each child it started (`pidusage`), sampled
 * every `intervalMs` into bounded series.
 */
import { performance } from 'node:perf_hooks';
import pidusage from 'pidusage';
import { BoundedSeries, type Point, type SeriesSummary } from './series';

const MiB = 1024 * 1024;

/** The series of one process. `heapMiB` is known for the lab process only. */
export interface ProcessSeries {
  /** `lab` or `child <pid>`. */
  name: string;
  pid: number;
  rssMiB: BoundedSeries;
  cpuPct: BoundedSeries;
  heapMiB: BoundedSeries | null;
}

/** The figures of one process over the soak. */
export interface ProcessSummary {
  name: string;
  pid: number;
  rssMiB: SeriesSummary | null;
  heapMiB: SeriesSummary | null;
  cpuPct: SeriesSummary | null;
  /** Every kept point, for plots: `[t ms, rss MiB]`. */
  rssPoints: Point[];
  heapPoints: Point[] | null;
}

/** Options of a {@link ResourceSampler}. */
export interface SamplerOptions {
  /** The child processes to watch now (asked at every sample; pids may change on restarts). */
  childPids: () => number[];
  /** Sampling period, ms (default 5 000). */
  intervalMs?: number;
  /** Points kept per series (default 512). */
  maxPoints?: number;
}

/** Samples resource use periodically; {@link stop} before dropping it. */
export class ResourceSampler {
  private readonly processes = new Map<string, ProcessSeries>();
  private readonly origin = performance.now();
  private readonly intervalMs: number;
  private readonly maxPoints: number;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private lastCpu = { at: performance.now(), usage: process.cpuUsage() };

  constructor(private readonly opts: SamplerOptions) {
    this.intervalMs = opts.intervalMs ?? 5000;
    this.maxPoints = opts.maxPoints ?? 512;
    if (!(this.intervalMs >= 10)) throw new RangeError(`intervalMs must be ≥ 10, got ${this.intervalMs}`);
  }

  /** Takes a first sample now, then one every interval until {@link stop}. */
  start(): void {
    if (this.timer || this.stopped) return;
    const tick = (): void => {
      this.timer = setTimeout(() => {
        void this.sample().finally(() => {
          if (!this.stopped) tick();
        });
      }, this.intervalMs);
      this.timer.unref?.();
    };
    void this.sample().finally(() => {
      if (!this.stopped) tick();
    });
  }

  /** Takes one sample of every process now (concurrent calls share one sample). */
  sample(): Promise<void> {
    this.running ??= this.takeSample().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Stops sampling after one last sample. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    await this.sample();
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    pidusage.clear();
  }

  /** The figures of every process seen so far, the lab first. */
  summary(): ProcessSummary[] {
    return [...this.processes.values()].map((p) => ({
      name: p.name,
      pid: p.pid,
      rssMiB: p.rssMiB.summary(),
      heapMiB: p.heapMiB?.summary() ?? null,
      cpuPct: p.cpuPct.summary(),
      rssPoints: p.rssMiB.values(),
      heapPoints: p.heapMiB?.values() ?? null,
    }));
  }

  /** The live series of a process by name (`lab`, `child <pid>`). */
  series(name: string): ProcessSeries | undefined {
    return this.processes.get(name);
  }

  private entry(name: string, pid: number, withHeap: boolean): ProcessSeries {
    let found = this.processes.get(name);
    if (!found) {
      found = {
        name,
        pid,
        rssMiB: new BoundedSeries(this.maxPoints),
        cpuPct: new BoundedSeries(this.maxPoints),
        heapMiB: withHeap ? new BoundedSeries(this.maxPoints) : null,
      };
      this.processes.set(name, found);
    }
    return found;
  }

  private async takeSample(): Promise<void> {
    const now = performance.now();
    const t = Math.round(now - this.origin);
    const mem = process.memoryUsage();
    const usage = process.cpuUsage();
    const wallMs = now - this.lastCpu.at;
    const cpuMs = (usage.user - this.lastCpu.usage.user + usage.system - this.lastCpu.usage.system) / 1000;
    this.lastCpu = { at: now, usage };
    const lab = this.entry('lab', process.pid, true);
    lab.rssMiB.add(t, mem.rss / MiB);
    lab.heapMiB?.add(t, mem.heapUsed / MiB);
    if (wallMs > 0) lab.cpuPct.add(t, (cpuMs / wallMs) * 100);
    for (const pid of this.opts.childPids()) {
      try {
        const stat = await pidusage(pid);
        const child = this.entry(`child ${pid}`, pid, false);
        child.rssMiB.add(t, stat.memory / MiB);
        child.cpuPct.add(t, stat.cpu);
      } catch {
        // The child ended between listing and sampling (e.g. a server crash): skip it this time.
      }
    }
  }
}
