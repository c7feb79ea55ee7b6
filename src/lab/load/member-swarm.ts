/**
 * Many {@link SignalingMember}s in one channel: starts them with bounded concurrency (so a
 * load test measures the server, not a thundering herd of sockets), sums what they saw, and
 * disposes them all.
 */
import { MemberJoinError, SignalingMember } from './signaling-member';

/** How a swarm connects its members. */
export interface MemberSwarmOptions {
  /** Server WebSocket URL (`ws://host:port/v1/channel`). */
  url: string;
  channel: string;
  /** Issues a token for a uid (e.g. `(uid) => lab.issueToken(uid)`). */
  token: (uid: number) => string;
  /** Uid of the first member; the next ones count up. Default 10 000. */
  firstUid?: number;
  /** Joins in flight at once. Default 16. */
  concurrency?: number;
  /** Overrides the heartbeat period (real ms); default from the server's `joined.config`. */
  heartbeatIntervalMs?: number;
  /** Real ms one join may take. Default 10 000. */
  joinTimeoutMs?: number;
}

/** Outcome of one {@link MemberSwarm.start}. */
export interface SwarmStartResult {
  /** Join latencies (real ms) of the members that joined. */
  latenciesMs: number[];
  /** Members that did not join, with why. */
  failures: MemberJoinError[];
}

/** Sums over every member of a swarm. */
export interface SwarmTotals {
  members: number;
  joined: number;
  pingsSent: number;
  pongs: number;
  userJoined: number;
  userLeftTimeout: number;
  garbage: number;
  /** Distinct uids any member saw leave with `ServerTimeOut`. */
  timedOutUids: number[];
  /** Members whose socket closed without being asked to. */
  unexpectedCloses: number;
  /** Longest gap between two pings of one member (real ms): a starved generator shows here. */
  maxPingGapMs: number;
  /** Every heartbeat round trip the members kept (real ms). */
  rttMs: number[];
}

/** A group of signaling-only members; always {@link MemberSwarm.dispose}. */
export class MemberSwarm {
  private readonly all: SignalingMember[] = [];
  private nextUid: number;
  private disposed = false;

  constructor(private readonly opts: MemberSwarmOptions) {
    this.nextUid = opts.firstUid ?? 10_000;
  }

  /** The members so far (joined or not). */
  members(): readonly SignalingMember[] {
    return this.all;
  }

  /** Creates and joins `count` more members, at most `concurrency` joins in flight. */
  async start(count: number): Promise<SwarmStartResult> {
    if (this.disposed) throw new Error('this swarm is disposed');
    const fresh: SignalingMember[] = [];
    for (let i = 0; i < count; i++) {
      const uid = this.nextUid++;
      fresh.push(
        new SignalingMember({
          url: this.opts.url,
          channel: this.opts.channel,
          uid,
          token: this.opts.token(uid),
          heartbeatIntervalMs: this.opts.heartbeatIntervalMs,
          joinTimeoutMs: this.opts.joinTimeoutMs,
        }),
      );
    }
    this.all.push(...fresh);
    const result: SwarmStartResult = { latenciesMs: [], failures: [] };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < fresh.length && !this.disposed) {
        const member = fresh[next++]!;
        try {
          result.latenciesMs.push(await member.join());
        } catch (error) {
          result.failures.push(
            error instanceof MemberJoinError
              ? error
              : new MemberJoinError(member.uid, 'SOCKET', String(error)),
          );
        }
      }
    };
    const lanes = Math.max(1, Math.min(this.opts.concurrency ?? 16, fresh.length));
    await Promise.all(Array.from({ length: lanes }, worker));
    return result;
  }

  /** Sums the members' counters now. */
  totals(): SwarmTotals {
    const timedOut = new Set<number>();
    const totals: SwarmTotals = {
      members: this.all.length,
      joined: 0,
      pingsSent: 0,
      pongs: 0,
      userJoined: 0,
      userLeftTimeout: 0,
      garbage: 0,
      timedOutUids: [],
      unexpectedCloses: 0,
      maxPingGapMs: 0,
      rttMs: [],
    };
    for (const m of this.all) {
      if (m.state === 'joined') totals.joined++;
      totals.pingsSent += m.counts.pingsSent;
      totals.pongs += m.counts.pongs;
      totals.userJoined += m.counts.userJoined;
      totals.userLeftTimeout += m.counts.userLeftTimeout;
      totals.garbage += m.counts.garbage;
      if (m.unexpectedClose) totals.unexpectedCloses++;
      totals.maxPingGapMs = Math.max(totals.maxPingGapMs, m.maxPingGapMs);
      for (const uid of m.timedOutPeers) timedOut.add(uid);
      for (const rtt of m.rttMs) totals.rttMs.push(rtt);
    }
    totals.timedOutUids = [...timedOut].sort((a, b) => a - b);
    return totals;
  }

  /** Forgets the heartbeat round trips kept so far (to measure a window). */
  clearRtts(): void {
    for (const m of this.all) m.rttMs.length = 0;
  }

  /** Every member sends `leave` and closes. Never throws. */
  async leaveAll(): Promise<void> {
    await Promise.all(this.all.map((m) => m.leave()));
  }

  /** Closes every member (without `leave`). Idempotent; never throws. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all(this.all.map((m) => m.dispose()));
  }
}
