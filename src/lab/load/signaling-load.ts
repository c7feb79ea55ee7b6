/**
 * Signaling load figures: members join a channel (bounded concurrency), heartbeat through a
 * steady window, and we read join latency percentiles, heartbeat loss, the server's CPU and
 * RSS, and how long one more join takes while the load runs. A ramp adds members in steps
 * until a threshold is crossed, to find where the server saturates.
 */
import { MemberSwarm } from './member-swarm';
import { startUsage } from './process-usage';
import { SignalingMember } from './signaling-member';

/** The server under load. */
export interface LoadTarget {
  url: string;
  channel: string;
  token: (uid: number) => string;
  /** The server process (for CPU and RSS). */
  serverPid: number;
}

/** Figures of one load step. */
export interface SignalingStep {
  /** Members in the channel during the window. */
  members: number;
  /** Members that failed to join in this step. */
  failed: number;
  /** Join latency percentiles of this step's new members (real ms). */
  joinP50: number;
  joinP95: number;
  joinP99: number;
  /** Server CPU (% of one core) while this step's members joined (each join is told to all). */
  joinCpuPct: number;
  /** Server CPU (% of one core) and RSS (MiB) over the steady window. */
  cpuPct: number;
  rssMiB: number;
  /** Pings without a pong over the window, in %. */
  heartbeatLossPct: number;
  /** Heartbeat round trip p95 over the window (real ms). */
  rttP95: number;
  /** Distinct members the server dropped for silence (`ServerTimeOut`) so far. */
  timeouts: number;
  /** Longest gap between two pings of one member (the generator's own health). */
  maxPingGapMs: number;
  /** One more join while the load runs (real ms; NaN when it failed). */
  lateJoinMs: number;
}

/** When a ramp stops. */
export interface SaturationLimits {
  joinP95Ms: number;
  heartbeatLossPct: number;
  cpuPct: number;
}

/** Default thresholds: 1 s join p95, 1 % heartbeat loss, 90 % of a core. */
export const DEFAULT_LIMITS: SaturationLimits = { joinP95Ms: 1000, heartbeatLossPct: 1, cpuPct: 90 };

/** The p-th percentile (nearest rank); NaN for none. */
export function percentileOf(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Which limit a step crossed, or null. */
export function crossedLimit(step: SignalingStep, limits: SaturationLimits = DEFAULT_LIMITS): string | null {
  if (step.failed > 0) return `${step.failed} joins failed`;
  if (step.timeouts > 0) return `${step.timeouts} members timed out`;
  if (step.joinP95 > limits.joinP95Ms) return `join p95 ${Math.round(step.joinP95)} ms > ${limits.joinP95Ms}`;
  if (step.heartbeatLossPct > limits.heartbeatLossPct)
    return `heartbeat loss ${step.heartbeatLossPct.toFixed(1)} % > ${limits.heartbeatLossPct}`;
  if (step.cpuPct > limits.cpuPct) return `server CPU ${Math.round(step.cpuPct)} % > ${limits.cpuPct}`;
  if (step.joinCpuPct > limits.cpuPct)
    return `server CPU while joining ${Math.round(step.joinCpuPct)} % > ${limits.cpuPct}`;
  return null;
}

/** A swarm on a target that can grow step by step; always {@link SignalingLoad.dispose}. */
export class SignalingLoad {
  readonly swarm: MemberSwarm;
  private lateUid = 900_000;

  constructor(
    private readonly target: LoadTarget,
    options: { concurrency?: number; heartbeatIntervalMs?: number } = {},
  ) {
    this.swarm = new MemberSwarm({
      url: target.url,
      channel: target.channel,
      token: target.token,
      concurrency: options.concurrency ?? 16,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
    });
  }

  /** Adds `count` members, then measures a steady window of `steadyMs` real ms. */
  async step(count: number, steadyMs: number): Promise<SignalingStep> {
    const joining = await startUsage(this.target.serverPid);
    const started = await this.swarm.start(count);
    const joinCpuPct = (await joining.end()).cpuPct;
    this.swarm.clearRtts();
    const before = this.swarm.totals();
    const usage = await startUsage(this.target.serverPid);
    await new Promise((r) => setTimeout(r, steadyMs));
    const { cpuPct, rssMiB } = await usage.end();
    const lateJoinMs = await this.lateJoin();
    const after = this.swarm.totals();
    const pings = after.pingsSent - before.pingsSent;
    const pongs = after.pongs - before.pongs;
    return {
      members: after.joined,
      failed: started.failures.length,
      joinP50: percentileOf(started.latenciesMs, 50),
      joinP95: percentileOf(started.latenciesMs, 95),
      joinP99: percentileOf(started.latenciesMs, 99),
      joinCpuPct,
      cpuPct,
      rssMiB,
      heartbeatLossPct: pings > 0 ? Math.max(0, (100 * (pings - pongs)) / pings) : 0,
      rttP95: percentileOf(after.rttMs, 95),
      timeouts: after.timedOutUids.length,
      maxPingGapMs: after.maxPingGapMs,
      lateJoinMs,
    };
  }

  /** Joins and disposes one extra member; its join latency, NaN when it failed. */
  async lateJoin(): Promise<number> {
    const member = new SignalingMember({
      url: this.target.url,
      channel: this.target.channel,
      uid: this.lateUid,
      token: this.target.token(this.lateUid),
    });
    this.lateUid++;
    try {
      return await member.join();
    } catch {
      return Number.NaN;
    } finally {
      await member.leave();
    }
  }

  /** Closes every member. */
  dispose(): Promise<void> {
    return this.swarm.dispose();
  }
}
