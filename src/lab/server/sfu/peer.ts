/**
 * What the SFU's two kinds of peer connection share: a werift `RTCPeerConnection` configured
 * for loopback-only media, trickle ICE both ways (remote candidates queued until the remote
 * description is set — werift drops early ones), only announced candidates sent to the
 * client, connection-state reports (a failure with its {@link SfuPeer.failureDetail}), and a
 * larger UDP receive buffer once connected ({@link RECEIVE_BUFFER_BYTES}).
 */
import { Socket } from 'node:dgram';
import { RTCPeerConnection } from './werift';
import type { PcName, ServerMessage } from '../../../shared/protocol/messages';
import type { CandidateInit } from '../../network-path';
import { isAnnouncedCandidate, peerConfig } from './werift-config';

/** Collaborators of an {@link SfuPeer}. */
export interface SfuPeerOptions {
  /** Address of the one host candidate (see `mediaAddressFor`). */
  mediaAddress: string;
  /** Sends a signaling message to the member. */
  signal: (message: ServerMessage) => void;
  /**
   * Connection state changes (`connecting`, `connected`, `failed`, `closed`, …); a `failed`
   * one comes with {@link SfuPeer.failureDetail} (why, as far as werift's state tells).
   */
  onState: (state: string, detail?: string) => void;
  /** Diagnostic lines. */
  log: (level: 'debug' | 'warn', message: string) => void;
}

/**
 * The UDP receive buffer asked for each server socket (Linux caps it at twice
 * `net.core.rmem_max`). The default (≈ 208 KiB, ≈ 90 packets of media once the kernel's
 * per-packet overhead is counted) overflowed on every server socket when the event loop stalled
 * under load — 20 of 20 sockets, 16,630 datagrams dropped in one run of
 * test/node/scale/fifty-members.test.ts with one core kept busy. What the kernel drops includes
 * the clients' answers to consent checks, so consent expired on connections that were fine.
 */
export const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

/** Most queued remote candidates kept per connection (a client should send a handful). */
const MAX_QUEUED_CANDIDATES = 64;

/** Whether this process already warned that the kernel caps receive buffers. */
let cappedReported = false;

/** One server-side peer connection of a member. */
export class SfuPeer {
  readonly pc: RTCPeerConnection;
  private readonly queued: CandidateInit[] = [];
  private pendingRemote = 0;
  private closing: Promise<void> | null = null;
  /** Sockets whose receive buffer was set. */
  private readonly bufferTuned = new WeakSet<Socket>();
  /** `performance.now()` when the connection last reached `connected`. */
  private connectedAt: number | null = null;

  constructor(
    readonly name: PcName,
    private readonly opts: SfuPeerOptions,
  ) {
    this.pc = new RTCPeerConnection(peerConfig(opts.mediaAddress));
    this.pc.onicecandidate = ({ candidate }) => {
      if (!candidate || this.isClosed) return;
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
      if (state === 'connected') {
        this.connectedAt = performance.now();
        this.enlargeReceiveBuffer();
      }
      if (!this.isClosed) opts.onState(state, state === 'failed' ? this.failureDetail() : undefined);
    });
  }

  /** True once `close()` ran. */
  get isClosed(): boolean {
    return this.closing !== null;
  }

  /**
   * Applies a remote description. Candidates that arrive meanwhile (e.g. with the new ufrag of
   * an ICE restart) wait until it is applied, then go in.
   */
  async setRemoteDescription(description: { type: 'offer' | 'answer'; sdp: string }): Promise<void> {
    this.pendingRemote++;
    try {
      await this.pc.setRemoteDescription(description);
    } finally {
      this.pendingRemote--;
    }
    if (this.pendingRemote === 0) for (const candidate of this.queued.splice(0)) this.apply(candidate);
  }

  /**
   * Marks a remote description as coming (call synchronously when the message arrives), so
   * candidates right behind it in the socket are queued for it.
   */
  expectRemoteDescription(): () => void {
    this.pendingRemote++;
    return () => {
      this.pendingRemote--;
      if (this.pendingRemote === 0 && this.pc.remoteDescription) {
        for (const candidate of this.queued.splice(0)) this.apply(candidate);
      }
    };
  }

  /** Adds a remote candidate now, or once the (pending) remote description is applied. */
  addRemoteCandidate(candidate: CandidateInit | null): void {
    if (this.isClosed || candidate === null) return;
    if (!this.pc.remoteDescription || this.pendingRemote > 0) {
      if (this.queued.length < MAX_QUEUED_CANDIDATES) this.queued.push(candidate);
      return;
    }
    this.apply(candidate);
  }

  /**
   * Closes the connection (idempotent); resolves when werift released its sockets.
   * Every transceiver's sender and receiver is stopped first: werift's `close()` skips a
   * transceiver it already marked `stopped` (one left out of an answer — a sub transceiver
   * added while the previous offer awaited its answer), and that sender's RTCP report loop
   * then runs forever, holding the whole closed connection (≈ 0.2 MB of heap each, measured).
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.queued.length = 0;
      this.pc.onicecandidate = null;
      for (const transceiver of this.pc.getTransceivers()) {
        transceiver.sender.stop();
        transceiver.receiver.stop();
      }
      await this.pc.close().catch(() => undefined);
    })();
    return this.closing;
  }

  /**
   * What the transports say about a failure: the ICE and DTLS states, how long the connection
   * had been up, the selected pair, its STUN checks (connectivity and consent; sent / answered)
   * and the peer's checks received — which tells an ICE setup failure, a DTLS handshake failure
   * and an expired consent apart.
   */
  failureDetail(): string {
    const parts: string[] = [];
    const ice = this.pc.iceTransports.map((t) => t.connection.state);
    const dtls = this.pc.dtlsTransports.map((t) => t.state);
    parts.push(`ice ${ice.join('/') || 'none'}`, `dtls ${dtls.join('/') || 'none'}`);
    parts.push(
      this.connectedAt === null
        ? 'never connected'
        : `connected ${((performance.now() - this.connectedAt) / 1000).toFixed(1)} s before`,
    );
    const pair = this.pc.iceTransports[0]?.connection.nominated;
    if (pair) {
      const end = (c: { host: string; port: number; type: string }): string =>
        `${c.host}:${c.port} ${c.type}`;
      parts.push(
        `pair ${end(pair.localCandidate)} ↔ ${end(pair.remoteCandidate)}`,
        `stun checks ${pair.requestsSent} sent / ${pair.responsesReceived} answered` +
          (pair.rtt === undefined ? '' : `, rtt ${Math.round(pair.rtt * 1000)} ms`),
        `${pair.requestsReceived} received`,
      );
    } else parts.push('no selected pair');
    return parts.join(', ');
  }

  /** The receive buffer of the selected pair's socket in bytes (null before connecting, after closing). */
  get receiveBufferBytes(): number | null {
    const socket = this.selectedSocket();
    try {
      return socket ? socket.getRecvBufferSize() : null;
    } catch {
      return null; // closed
    }
  }

  /** The UDP socket of the selected pair (the SFU gathers one), if any. */
  private selectedSocket(): Socket | null {
    const protocol = this.pc.iceTransports[0]?.connection.nominated?.protocol as
      { transport?: { socket?: unknown } } | undefined;
    const socket = protocol?.transport?.socket;
    return socket instanceof Socket ? socket : null;
  }

  private enlargeReceiveBuffer(): void {
    const socket = this.selectedSocket();
    if (!socket || this.bufferTuned.has(socket)) return;
    this.bufferTuned.add(socket);
    try {
      socket.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
    } catch (error) {
      this.opts.log('debug', `${this.name} socket receive buffer: ${(error as Error).message}`);
      return;
    }
    const got = socket.getRecvBufferSize();
    if (got < RECEIVE_BUFFER_BYTES && !cappedReported) {
      cappedReported = true;
      this.opts.log(
        'warn',
        `UDP receive buffers are capped at ${Math.round(got / 1024)} KiB (net.core.rmem_max): ` +
          'a busy server may drop media and consent replies',
      );
    }
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
