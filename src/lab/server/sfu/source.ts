/**
 * One published kind of one member, as the SFU sees it: the current werift track from the
 * member's pub PC (which may be replaced after a rejoin or ICE restart), the forwarders that
 * copy it to subscribers, and the key-frame requests (PLI) the SFU sends on the publisher's
 * behalf: when a subscriber starts, when the source changes, when RTP resumes after a gap —
 * repeated until a key frame arrives (docs/WEBRTC.md "Key frames").
 */
import { performance } from 'node:perf_hooks';
import type { MediaStreamTrack, RTCRtpReceiver, RtpPacket } from './werift';
import type { MediaKind } from '../../../shared/protocol/messages';
import type { Forwarder } from './forwarder';
import { isVp8KeyframeStart } from './vp8';

/** A gap in RTP longer than this counts as "RTP resumed" (ask for a key frame). */
const RESUME_GAP_MS = 1000;
/** PLI repeat period while a key frame is awaited, and the number of repeats. */
const PLI_INTERVAL_MS = 300;
const PLI_MAX_REPEATS = 30;
/** Two PLIs are never closer than this. */
const PLI_MIN_SPACING_MS = 100;

/** RTP source of one member's one kind; survives the member's pub PC being replaced. */
export class MediaSource {
  /** Forward only while the member has announced this kind (`publish`). */
  enabled = false;
  private track: MediaStreamTrack | null = null;
  private receiver: RTCRtpReceiver | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly sinks = new Set<Forwarder>();
  private lastRtpAt = 0;
  private lastPliAt = -Infinity;
  private pliTimer: NodeJS.Timeout | null = null;
  private pliRepeats = 0;
  private awaitingKeyframe = false;

  /**
   * @param kind the media kind
   * @param onRtp called per packet while enabled (feeds the media watchdog)
   */
  constructor(
    readonly kind: MediaKind,
    private readonly onRtp: () => void,
  ) {}

  /**
   * Takes RTP from a track of the member's pub PC. werift fires `ontrack` again with the same
   * track on every renegotiation: the same track is ignored, so nothing is forwarded twice.
   */
  attach(track: MediaStreamTrack, receiver: RTCRtpReceiver): void {
    if (track === this.track) return;
    this.detach();
    this.track = track;
    this.receiver = receiver;
    const { unSubscribe } = track.onReceiveRtp.subscribe((packet) => this.onPacket(packet));
    this.unsubscribe = unSubscribe;
    for (const sink of this.sinks) sink.restart();
    this.requestKeyframe();
  }

  /** Stops taking RTP from the current track (its PC was closed or replaced). */
  detach(track?: MediaStreamTrack): void {
    if (track && track !== this.track) return;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.track = null;
    this.receiver = null;
  }

  /** Forwarders attached (diagnostics). */
  get sinkCount(): number {
    return this.sinks.size;
  }

  /** Adds a subscriber's forwarder; asks the publisher for a key frame for it. */
  addSink(sink: Forwarder): void {
    this.sinks.add(sink);
    sink.restart();
    this.requestKeyframe();
  }

  /** Removes a forwarder. */
  removeSink(sink: Forwarder): void {
    this.sinks.delete(sink);
  }

  /** Asks the publisher for a key frame now and until one arrives (video only). */
  requestKeyframe(): void {
    if (this.kind !== 'video') return;
    this.awaitingKeyframe = true;
    this.pliRepeats = 0;
    this.sendPli();
    if (!this.pliTimer) this.pliTimer = setInterval(() => this.repeatPli(), PLI_INTERVAL_MS);
  }

  /** Detaches and stops every timer; forwarders are dropped. */
  dispose(): void {
    this.detach();
    this.sinks.clear();
    this.stopPli();
  }

  private onPacket(packet: RtpPacket): void {
    if (!this.enabled) return;
    this.onRtp();
    const now = performance.now();
    if (this.lastRtpAt > 0 && now - this.lastRtpAt > RESUME_GAP_MS) this.requestKeyframe();
    this.lastRtpAt = now;
    let keyframe = this.kind === 'audio';
    if (this.kind === 'video' && isVp8KeyframeStart(packet.payload)) {
      keyframe = true;
      this.awaitingKeyframe = false;
    }
    let waiting = false;
    for (const sink of this.sinks) {
      if (!sink.forward(packet, keyframe)) waiting = true;
    }
    if (waiting && !this.pliTimer) this.requestKeyframe();
  }

  private repeatPli(): void {
    const waiting = this.awaitingKeyframe || [...this.sinks].some((sink) => sink.needsKeyframe && sink.ready);
    if (!waiting || ++this.pliRepeats > PLI_MAX_REPEATS) {
      this.stopPli();
      return;
    }
    this.sendPli();
  }

  private sendPli(): void {
    const now = performance.now();
    const ssrc = this.track?.ssrc;
    if (!this.receiver || ssrc === undefined || now - this.lastPliAt < PLI_MIN_SPACING_MS) return;
    this.lastPliAt = now;
    this.receiver.sendRtcpPLI(ssrc).catch(() => undefined);
  }

  private stopPli(): void {
    if (this.pliTimer) clearInterval(this.pliTimer);
    this.pliTimer = null;
    this.awaitingKeyframe = false;
  }
}
