/**
 * Opening a session with the channel server: the probe (open the signaling socket through the
 * network path) and the `join` request on it, plus the initial join of `Client.join()`, which
 * keeps probing an unreachable server until joinTimeoutMs and treats any answer as final.
 */
import { scaled, type LabTiming, type RecordSink, type ServerMessageOf } from '../../shared';
import type { NetworkPath } from '../network-path';
import { SignalingError } from './errors';
import { SignalingClient } from './signaling';
import type { TimerGroup } from './timers';

/** The server's `joined` answer. */
export type Joined = ServerMessageOf<'joined'>;

/** What a {@link Connector} needs. */
export interface ConnectorOptions {
  uid: number;
  channel: string;
  path: NetworkPath;
  sink: RecordSink;
  timing: LabTiming;
  /** Issues the token for each join. */
  token: () => Promise<string>;
  timers: TimerGroup;
}

/** An open, joined signaling session. */
export interface JoinedSession {
  socket: SignalingClient;
  joined: Joined;
}

/** Opens sockets and joins. */
export class Connector {
  constructor(private readonly o: ConnectorOptions) {}

  /** Opens the signaling socket within `timeoutMs` (the light probe). */
  probe(timeoutMs: number): Promise<SignalingClient> {
    return SignalingClient.connect(this.o.path.signalingUrl(), timeoutMs, {
      uid: this.o.uid,
      sink: this.o.sink,
    });
  }

  /** Sends `join` (with `resume` when given) and resolves with `joined`; refusals reject. */
  async join(socket: SignalingClient, timeoutMs: number, resume?: string): Promise<Joined> {
    const token = await this.o.token();
    const { channel, uid } = this.o;
    const msg = { type: 'join' as const, channel, uid, token, ...(resume !== undefined ? { resume } : {}) };
    const reply = await socket.request(msg, timeoutMs);
    if (reply.type !== 'joined')
      throw new SignalingError('SERVER_ERROR', `unexpected answer ${reply.type} to join`);
    return reply;
  }

  /**
   * The first join: probes until the server answers or joinTimeoutMs passes, then joins. An
   * unreachable server is retried every probeIntervalMs; an answer (joined or error) is final.
   * `cancelled()` true ends it early (the socket, if joined, is left with `leave`).
   * Rejects with the last {@link SignalingError} (TIMEOUT when the time ran out).
   */
  async initialJoin(cancelled: () => boolean): Promise<JoinedSession> {
    const { timing, timers } = this.o;
    const deadline = performance.now() + scaled(timing, timing.joinTimeoutMs);
    const interval = scaled(timing, timing.reconnect.probeIntervalMs);
    const probeTimeout = scaled(timing, timing.reconnect.probeTimeoutMs);
    let last: unknown = new SignalingError('TIMEOUT', 'join timed out');
    while (!cancelled()) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) break;
      const started = performance.now();
      let socket: SignalingClient;
      try {
        socket = await this.probe(Math.min(remaining, probeTimeout));
      } catch (err) {
        last =
          err instanceof SignalingError && err.code === 'TIMEOUT'
            ? new SignalingError('TIMEOUT', err.message)
            : err;
        const wait = Math.min(deadline - performance.now(), interval - (performance.now() - started));
        if (wait > 0) await timers.sleep(wait);
        continue;
      }
      try {
        const joined = await this.join(socket, Math.max(1, deadline - performance.now()));
        if (cancelled()) {
          socket.send({ type: 'leave' });
          await socket.close();
          break;
        }
        return { socket, joined };
      } catch (err) {
        socket.terminate();
        throw err;
      }
    }
    throw last;
  }
}
