/**
 * Copies one publisher track's RTP to one subscriber's sender. Each forwarder keeps its own
 * sequence-number and timestamp space, so the subscriber sees one continuous stream while the
 * source behind it changes (a publisher's new peer connection after a rejoin, a new SSRC, a
 * gap). Packets are cloned per subscriber because werift's `sendRtp` rewrites the packet in
 * place and keeps it for retransmission (docs/WEBRTC.md "Forwarding RTP").
 */
import { performance } from 'node:perf_hooks';
import type { RTCRtpSender, RtpPacket } from './werift';
import type { MediaKind } from '../../../shared/protocol/messages';

/** RTP clock rates of the two codecs the SFU negotiates (Opus, VP8). */
const CLOCK_RATE: Record<MediaKind, number> = { audio: 48_000, video: 90_000 };

function random(bits: 16 | 32): number {
  return Math.floor(Math.random() * 2 ** bits);
}

/** One subscriber's copy of one remote track. */
export class Forwarder {
  /** Video only: drop everything until the start of a key frame (a decoder needs one). */
  needsKeyframe: boolean;
  private inSsrc: number | null = null;
  private seqOffset = 0;
  private tsOffset = 0;
  private lastSeq = random(16);
  private lastTs = random(32);
  private lastSentAt = 0;
  private started = false;
  private resync = true;
  private closed = false;

  /**
   * @param kind media kind of the track
   * @param sender the subscriber-side werift sender (one sendonly transceiver)
   */
  constructor(
    readonly kind: MediaKind,
    private readonly sender: RTCRtpSender,
  ) {
    this.needsKeyframe = kind === 'video';
  }

  /** Whether the sender can transmit (codec negotiated, DTLS connected). */
  get ready(): boolean {
    return (
      !this.closed && this.sender.codec !== undefined && this.sender.dtlsTransport?.state === 'connected'
    );
  }

  /** Starts over at the next packet (and, for video, at the next key frame). */
  restart(): void {
    this.resync = true;
    if (this.kind === 'video') this.needsKeyframe = true;
  }

  /** Stops sending for good. */
  close(): void {
    this.closed = true;
  }

  /**
   * Forwards one packet. `keyframeStart` is true for audio and for the first packet of a VP8
   * key frame. Returns false when the packet was held back waiting for a key frame (not when
   * the sender is not ready yet: the SFU asks for a key frame when it becomes ready).
   */
  forward(packet: RtpPacket, keyframeStart: boolean): boolean {
    if (!this.ready) {
      this.restart();
      return true;
    }
    const { header } = packet;
    if (header.ssrc !== this.inSsrc) {
      this.inSsrc = header.ssrc;
      this.restart();
    }
    if (this.needsKeyframe) {
      if (!keyframeStart) {
        this.resync = true;
        return false;
      }
      this.needsKeyframe = false;
    }
    if (packet.payload.length === 0) {
      // Padding-only probe: not forwarded; keep the outgoing sequence gap-free.
      if (!this.resync) this.seqOffset = (this.seqOffset - 1) & 0xffff;
      return true;
    }
    const now = performance.now();
    if (this.resync) {
      const elapsed = this.started
        ? Math.max(1, Math.round(((now - this.lastSentAt) * CLOCK_RATE[this.kind]) / 1000))
        : 0;
      this.seqOffset = (this.lastSeq + 1 - header.sequenceNumber) & 0xffff;
      this.tsOffset = (this.lastTs + elapsed - header.timestamp) >>> 0;
      this.resync = false;
    }
    const copy = packet.clone();
    copy.header.extensions = [];
    copy.header.extension = false;
    copy.header.sequenceNumber = (header.sequenceNumber + this.seqOffset) & 0xffff;
    copy.header.timestamp = (header.timestamp + this.tsOffset) >>> 0;
    this.lastSeq = copy.header.sequenceNumber;
    this.lastTs = copy.header.timestamp;
    this.lastSentAt = now;
    this.started = true;
    this.sender.sendRtp(copy).catch(() => undefined);
    return true;
  }
}
