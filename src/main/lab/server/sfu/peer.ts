/**
 * What the SFU's two kinds of peer connection share: a werift `RTCPeerConnection` configured
 * for loopback-only media, trickle ICE both ways (remote candidates queued until the remote
 * description is set — werift drops early ones), only announced candidates sent to the
 * client, and connection-state reports.
 */
import { RTCPeerConnection } from 'werift';
import type { PcName, ServerMessage } from '../../../../shared/protocol/messages';
import type { CandidateInit } from '../../network-path';
import { isAnnouncedCandidate, peerConfig } from './werift-config';

/** Collaborators of an {@link SfuPeer}. */
export interface SfuPeerOptions {
  /** Address of the one host candidate (see `mediaAddressFor`). */
  mediaAddress: string;
  /** Sends a signaling message to the member. */
  signal: (message: ServerMessage) => void;
  /** Connection state changes (`connecting`, `connected`, `failed`, `closed`, …). */
  onState: (state: string) => void;
  /** Diagnostic lines. */
  log: (level: 'debug' | 'warn', message: string) => void;
}

/** Most queued remote candidates kept per connection (a client should send a handful). */
const MAX_QUEUED_CANDIDATES = 64;

/** One server-side peer connection of a member. */
export class SfuPeer {
  readonly pc: RTCPeerConnection;
  private readonly queued: CandidateInit[] = [];
  private closed = false;

  constructor(
    readonly name: PcName,
    private readonly opts: SfuPeerOptions,
  ) {
    this.pc = new RTCPeerConnection(peerConfig(opts.mediaAddress));
    this.pc.onicecandidate = ({ candidate }) => {
      if (!candidate || this.closed) return;
      const init = candidate.toJSON();
      if (!isAnnouncedCandidate(init, opts.mediaAddress)) return;
      opts.signal({
        type: 'candidate',
        pc: name,
        candidate: {
          candidate: init.candidate,
          sdpMid: init.sdpMid ?? null,
          sdpMLineIndex: init.sdpMLineIndex ?? null,
          ...(init.usernameFragment ? { usernameFragment: init.usernameFragment } : {}),
        },
      });
    };
    this.pc.connectionStateChange.subscribe((state) => {
      if (!this.closed) opts.onState(state);
    });
  }

  /** True once `close()` ran. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Adds a remote candidate now, or after the remote description is set. */
  addRemoteCandidate(candidate: CandidateInit | null): void {
    if (this.closed || candidate === null) return;
    if (!this.pc.remoteDescription) {
      if (this.queued.length < MAX_QUEUED_CANDIDATES) this.queued.push(candidate);
      return;
    }
    this.apply(candidate);
  }

  /** Applies candidates that arrived before the remote description. */
  flushCandidates(): void {
    for (const candidate of this.queued.splice(0)) this.apply(candidate);
  }

  /** Closes the connection (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queued.length = 0;
    this.pc.onicecandidate = null;
    this.pc.close().catch(() => undefined);
  }

  private apply(candidate: CandidateInit): void {
    this.pc
      .addIceCandidate({
        candidate: candidate.candidate,
        sdpMid: candidate.sdpMid ?? undefined,
        sdpMLineIndex: candidate.sdpMLineIndex ?? undefined,
        usernameFragment: candidate.usernameFragment ?? undefined,
      })
      .catch((error: unknown) => this.opts.log('debug', `${this.name} addIceCandidate: ${String(error)}`));
  }
}
