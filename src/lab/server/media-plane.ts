/**
 * The seam between the signaling side of the channel server (membership, watchdogs) and its
 * media side (the SFU). Signaling decides who may publish and subscribe; the media plane owns
 * peer connections and RTP, and reports RTP activity back through {@link MediaPlaneHooks}.
 */
import type { MediaKind, PcName, ServerMessage } from '../../shared/protocol/messages';
import type { CandidateInit } from '../network-path';
import type { Member } from './members';

/** How a member's signaling session (re)started. */
export type SessionStart =
  /** A new membership. */
  | 'fresh'
  /** An existing membership rebound to a new socket via `join.resume`. */
  | 'resumed';

/** Session description as carried by `sdp` messages. */
export interface SessionDescription {
  type: 'offer' | 'answer';
  sdp: string;
}

/** What the media plane needs from signaling. */
export interface MediaPlaneHooks {
  /** Sends a message to a member's current socket (dropped while it has none). */
  send(member: Member, message: ServerMessage): void;
  /** An RTP packet of `kind` arrived from this member (called per packet: keep it cheap). */
  rtp(member: Member, kind: MediaKind): void;
}

/** Live bookkeeping of a media plane (leak checks, diagnostics). */
export interface MediaPlaneStats {
  /** Members with media state (sources, connections, subscriptions). */
  members: number;
  /** Server peer connections not yet closed. */
  openPcs: number;
  /** Closed peer connections still releasing their sockets. */
  closingPcs: number;
  /** Subscriptions (subscriber × publisher × kind). */
  subscriptions: number;
  /** Forwarders attached to sources. */
  sinks: number;
}

/** The server's media side; implemented by the werift SFU. */
export interface MediaPlane {
  /** A member's socket session started (fresh join or resume). */
  sessionStarted(member: Member, start: SessionStart): void;
  /**
   * Applies an `sdp` message (offer on `pub`, answer on `sub`). Resolves to an error message
   * for a BAD_REQUEST reply, or null when applied.
   */
  handleSdp(member: Member, pc: PcName, description: SessionDescription): Promise<string | null>;
  /** Applies a trickled candidate (null = end of candidates). */
  handleCandidate(member: Member, pc: PcName, candidate: CandidateInit | null): void;
  /** Starts forwarding `publisher`'s `kind` to `subscriber` (idempotent). */
  subscribe(subscriber: Member, publisher: Member, kind: MediaKind): void;
  /** Stops forwarding `publisherUid`'s `kind` to `subscriber` (idempotent). */
  unsubscribe(subscriber: Member, publisherUid: number, kind: MediaKind): void;
  /** Whether `member`'s `kind` is announced (RTP of unannounced kinds is not forwarded). */
  setPublishing(member: Member, kind: MediaKind, publishing: boolean): void;
  /** The membership ended: close its connections, drop every subscription to and from it. */
  removeMember(member: Member): void;
  /** Counts of live media state (all zero once every member left and closes finished). */
  stats(): MediaPlaneStats;
  /** Closes everything. */
  close(): Promise<void>;
}

/** A media plane that carries no media (signaling-only servers and tests). */
export class NullMediaPlane implements MediaPlane {
  sessionStarted(): void {}
  async handleSdp(): Promise<string | null> {
    return 'this server carries no media';
  }
  handleCandidate(): void {}
  subscribe(): void {}
  unsubscribe(): void {}
  setPublishing(): void {}
  removeMember(): void {}
  stats(): MediaPlaneStats {
    return { members: 0, openPcs: 0, closingPcs: 0, subscriptions: 0, sinks: 0 };
  }
  async close(): Promise<void> {}
}
