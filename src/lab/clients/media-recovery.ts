/**
 * Media-path recovery while CONNECTED (docs/MODEL.md "Media-path recovery while CONNECTED": a
 * media fault that leaves signaling alive does not leave CONNECTED). On ICE `disconnected` / `failed` it first asks the signaling
 * whether the path is alive (a ping answered in time): if not, the client is
 * interrupted (`ice-disconnected` / `ice-failed` → RECONNECTING); if so, it restarts ICE and
 * records `media-reconnect-start`, retrying with backoff until ICE is connected again
 * (`media-reconnect-end`).
 */
import type { PcName, RecordSink } from '../../shared';
import type { MediaFault } from './media-session';
import type { TimerGroup } from './timers';

/** Collaborators of {@link MediaRecovery}. */
export interface MediaRecoveryOptions {
  uid: number;
  sink: RecordSink;
  timers: TimerGroup;
  /** First retry delay (real ms); doubles per retry up to `maxRetryMs`. */
  retryMs: number;
  maxRetryMs: number;
  /** True when the signaling answered a ping in time. */
  signalingAlive: () => Promise<boolean>;
  /** The whole connection is down: go RECONNECTING with this cause. */
  interrupted: (cause: string) => void;
  /** Restarts ICE on a PC (new offer on pub; a fresh sub negotiation on sub). */
  restart: (pc: PcName) => Promise<void>;
  /** True while recovery may act (the client is CONNECTED). */
  enabled: () => boolean;
}

interface Episode {
  attempt: number;
  cancelRetry: () => void;
}

/** One per client. */
export class MediaRecovery {
  private readonly active = new Map<PcName, Episode>();
  private readonly checking = new Set<PcName>();

  constructor(private readonly o: MediaRecoveryOptions) {}

  /** True while `pc` is being recovered. */
  recovering(pc: PcName): boolean {
    return this.active.has(pc);
  }

  /** An ICE/PC fault was reported. */
  async fault(f: MediaFault): Promise<void> {
    if (!this.o.enabled() || this.active.has(f.pc) || this.checking.has(f.pc)) return;
    this.checking.add(f.pc);
    let alive: boolean;
    try {
      alive = await this.o.signalingAlive();
    } finally {
      this.checking.delete(f.pc);
    }
    if (!this.o.enabled() || this.active.has(f.pc)) return;
    if (!alive) {
      this.o.interrupted(`ice-${f.state}`);
      return;
    }
    this.begin(f.pc, f.state);
    const episode = this.active.get(f.pc);
    if (episode) this.attempt(f.pc, episode);
  }

  /**
   * Opens an episode without restarting anything (the server reset its side and the fix is
   * under way): recorded as `media-reconnect-start`, ended by {@link connected}.
   */
  begin(pc: PcName, value: string): void {
    if (this.active.has(pc)) return;
    this.o.sink({ type: 'media', uid: this.o.uid, event: 'media-reconnect-start', pc, value });
    this.active.set(pc, { attempt: 0, cancelRetry: () => undefined });
  }

  /** ICE of `pc` is connected again. */
  connected(pc: PcName): void {
    const episode = this.active.get(pc);
    if (!episode) return;
    episode.cancelRetry();
    this.active.delete(pc);
    this.o.sink({ type: 'media', uid: this.o.uid, event: 'media-reconnect-end', pc, value: 'connected' });
  }

  /** Ends every episode (the client left CONNECTED); each gets an `aborted` end record. */
  stop(): void {
    for (const [pc, episode] of this.active) {
      episode.cancelRetry();
      this.o.sink({ type: 'media', uid: this.o.uid, event: 'media-reconnect-end', pc, value: 'aborted' });
    }
    this.active.clear();
  }

  private attempt(pc: PcName, episode: Episode): void {
    if (this.active.get(pc) !== episode || !this.o.enabled()) return;
    episode.attempt += 1;
    this.o.restart(pc).catch((err: unknown) => {
      this.o.sink({
        type: 'log',
        uid: this.o.uid,
        level: 'warn',
        msg: `ICE restart of ${pc} failed: ${String(err)}`,
      });
    });
    const delay = Math.min(this.o.maxRetryMs, this.o.retryMs * 2 ** (episode.attempt - 1));
    episode.cancelRetry = this.o.timers.after(delay, () => this.attempt(pc, episode));
  }
}
