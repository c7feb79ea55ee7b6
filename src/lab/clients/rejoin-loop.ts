/**
 * The RECONNECTING episode of one client (docs/MODEL.md "Rejoin (RECONNECTING)"): a light probe
 * (open the signaling socket) every probeIntervalMs, each bounded by probeTimeoutMs; the moment a
 * probe opens, the rejoin (`join` with `resume`) starts on that very socket. Backoff spaces
 * out rejoins that FAIL, not the noticing; the budget bounds the whole episode. Each attempt is
 * recorded as `reconnect` records: scheduled (delayMs) → start → success | failure, and
 * `giveup` when the budget is spent.
 */
import type { DisconnectReason, RecordSink, ReconnectPolicy, ServerMessageOf } from '../../shared';
import { isFinalRefusal, SignalingError } from './errors';
import { ReconnectSchedule, type RandomSource } from './reconnect-policy';
import type { SignalingClient } from './signaling';
import type { TimerGroup } from './timers';

type Joined = ServerMessageOf<'joined'>;

/** Collaborators of a {@link RejoinLoop}. */
export interface RejoinLoopOptions {
  uid: number;
  sink: RecordSink;
  /** Policy in real ms (see `scaledPolicy`). */
  policy: ReconnectPolicy;
  /** Real ms a rejoin may wait for its answer. */
  joinTimeoutMs: number;
  random: RandomSource;
  timers: TimerGroup;
  /** Opens a signaling socket within `timeoutMs` (the probe). */
  probe: (timeoutMs: number) => Promise<SignalingClient>;
  /** Sends `join` with `resume` on an open socket; resolves with `joined`. */
  join: (socket: SignalingClient, timeoutMs: number) => Promise<Joined>;
  /** The rejoin was accepted: the socket now belongs to the caller. */
  succeeded: (socket: SignalingClient, joined: Joined) => void;
  /** The server refused the rejoin for good (token or ban). */
  refused: (reason: DisconnectReason) => void;
  /** The budget is spent. */
  gaveUp: () => void;
}

/** Runs one episode at a time; `start()` again after `stop()` begins a new one. */
export class RejoinLoop {
  private generation = 0;
  private schedule: ReconnectSchedule | null = null;
  private cancelBudget: () => void = () => undefined;
  private socket: SignalingClient | null = null;

  constructor(private readonly o: RejoinLoopOptions) {}

  /** Begins an episode (attempt 1 is scheduled with no delay). */
  start(): void {
    this.stop();
    const generation = ++this.generation;
    this.schedule = new ReconnectSchedule(this.o.policy, performance.now(), this.o.random);
    this.record({ attempt: 1, phase: 'scheduled', delayMs: 0 });
    this.cancelBudget = this.o.timers.after(this.o.policy.budgetMs, () => this.giveUp(generation));
    void this.run(generation);
  }

  /** Ends the episode without records (leave, kick, success). */
  stop(): void {
    this.generation += 1;
    this.cancelBudget();
    this.cancelBudget = () => undefined;
    this.socket?.terminate();
    this.socket = null;
  }

  private async run(generation: number): Promise<void> {
    const { policy, timers } = this.o;
    const schedule = this.schedule!;
    while (generation === this.generation) {
      const wait = schedule.waitBefore(performance.now());
      if (wait > 0) {
        await timers.sleep(wait);
        continue;
      }
      const probeStarted = performance.now();
      let socket: SignalingClient;
      try {
        socket = await this.o.probe(policy.probeTimeoutMs);
      } catch {
        if (generation !== this.generation) return;
        const rest = policy.probeIntervalMs - (performance.now() - probeStarted);
        if (rest > 0) await timers.sleep(rest);
        continue;
      }
      if (generation !== this.generation) {
        socket.terminate();
        return;
      }
      this.socket = socket;
      const attempt = schedule.start();
      this.record({ attempt, phase: 'start' });
      try {
        const joined = await this.o.join(socket, this.o.joinTimeoutMs);
        if (generation !== this.generation) return; // stop() terminated the socket
        this.socket = null;
        this.record({ attempt, phase: 'success' });
        this.stop();
        this.o.succeeded(socket, joined);
        return;
      } catch (err) {
        if (this.socket === socket) this.socket = null;
        socket.terminate();
        if (generation !== this.generation) return;
        const code = err instanceof SignalingError ? err.code : 'ERROR';
        this.record({
          attempt,
          phase: 'failure',
          error: `${code}: ${(err as Error).message ?? String(err)}`,
        });
        if (isFinalRefusal(code)) {
          this.stop();
          this.o.refused(code as DisconnectReason);
          return;
        }
        const delay = schedule.fail(performance.now());
        this.record({ attempt: attempt + 1, phase: 'scheduled', delayMs: Math.round(delay) });
      }
    }
  }

  private giveUp(generation: number): void {
    if (generation !== this.generation) return;
    const attempts = this.schedule?.attempts ?? 0;
    this.stop();
    this.record({
      attempt: attempts,
      phase: 'giveup',
      error: `budget of ${Math.round(this.o.policy.budgetMs)} ms spent`,
    });
    this.o.gaveUp();
  }

  private record(r: {
    attempt: number;
    phase: 'scheduled' | 'start' | 'success' | 'failure' | 'giveup';
    delayMs?: number;
    error?: string;
  }): void {
    this.o.sink({ type: 'reconnect', uid: this.o.uid, ...r });
  }
}
