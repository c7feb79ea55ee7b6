/**
 * What the channel server reports about itself (for the trace and the lab's log): every
 * membership change, every refusal and protocol error, every media state change. Plain JSON
 * so that it crosses the child-process IPC unchanged. Each event carries a `level` and a
 * human-readable `message`, so a consumer that does not care about the type can just log it.
 */
import type { MediaKind, PcName } from '../../shared/protocol/messages';

/** Log levels, the same as trace `log` records. */
export type ServerLogLevel = 'debug' | 'info' | 'warn' | 'error';

// A type alias (not an interface) so events stay assignable to plain JSON records.
type Base = {
  level: ServerLogLevel;
  message: string;
};

/** One thing that happened inside the channel server. */
export type ServerEvent =
  /** A free-form log line (start, stop, warnings such as auth "none"). */
  | (Base & { type: 'log' })
  /** The server is listening. */
  | (Base & { type: 'listening'; port: number; url: string })
  /**
   * Membership changed. `joined`: fresh membership; `resumed`: a socket rebound to an existing
   * membership; `disconnected`: its socket closed without `leave` (membership kept until the
   * heartbeat timeout); `left`: removed (`reason` Quit, ServerTimeOut, or a kick reason).
   */
  | (Base & {
      type: 'member';
      event: 'joined' | 'resumed' | 'disconnected' | 'left';
      channel: string;
      uid: number;
      reason?: string;
    })
  /** The server kicked a member (`reason` as in the `kicked` message). */
  | (Base & { type: 'kicked'; channel: string; uid: number; reason: string })
  /** A kind became visible to others (`user-published`) or stopped being visible. */
  | (Base & {
      type: 'publish';
      event: 'published' | 'unpublished';
      channel: string;
      uid: number;
      kind: MediaKind;
      reason?: 'unpublish' | 'no-media';
    })
  /**
   * A join was refused (`code` as in the `error` message), or a handshake before the upgrade
   * (`ORIGIN_NOT_ALLOWED`: HTTP 403, `TOO_MANY_SOCKETS`: HTTP 429).
   */
  | (Base & { type: 'refused'; code: string; channel?: string; uid?: number })
  /** Bad input from a client: an `error` reply or a close 4000/4001. */
  | (Base & { type: 'protocol-error'; code: string; closed: boolean; channel?: string; uid?: number })
  /**
   * What the server did not report one by one over the last `windowMs` (see `ChannelLimits.
   * errorEventsPerSecond`): `frames` bad or dropped frames, refused handshakes and joins from
   * `sockets` sockets or addresses, by code (`dropped-rate`, `dropped-closing` for frames
   * dropped unread). `source` names the socket or address when there was only one.
   */
  | (Base & {
      type: 'input-summary';
      frames: number;
      sockets: number;
      windowMs: number;
      codes: Record<string, number>;
      source?: string;
    })
  /** A server-side peer connection changed state, or was given up. */
  | (Base & { type: 'pc'; channel: string; uid: number; pc: PcName; state: string })
  /**
   * The server process's event loop ran `ms` real ms late (reported from 50 ms, the floor in
   * src/shared/model/stalls.ts; the lab records those past its threshold as `stall` records),
   * `cpuMs` of which it spent on CPU.
   */
  | (Base & { type: 'stall'; ms: number; cpuMs: number });

/** The `type` of a {@link ServerEvent}. */
export type ServerEventType = ServerEvent['type'];

/** A listener of server events; must not throw (errors are caught and dropped). */
export type ServerEventListener = (event: ServerEvent) => void;

/**
 * A tiny event fan-out: `on` returns the unsubscribe function; a listener that throws never
 * affects the server or other listeners.
 */
export class ServerEventHub {
  private readonly listeners = new Set<ServerEventListener>();

  /** Adds a listener; the returned function removes it. */
  on(listener: ServerEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Delivers an event to every listener. */
  emit(event: ServerEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own problem; the server keeps running.
      }
    }
  }

  /** Drops every listener. */
  clear(): void {
    this.listeners.clear();
  }
}
