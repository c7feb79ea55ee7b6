/**
 * A member's subscribing peer connection: the SFU offers one sendonly transceiver per
 * subscribed remote track and renegotiates as subscriptions change (batched: one offer per
 * tick, the next only after the client answered). Each m-section's msid stream id is the
 * publisher's UID (decimal), so the client can tell whose track arrived.
 * A dropped subscription only parks its transceiver (still sendonly, no RTP) and reuses it
 * when the same UID's kind is subscribed again — no renegotiation either way. (werift offers an
 * `inactive` m-section with port 0, which libwebrtc treats as rejected: with BUNDLE that tore
 * down the whole transport, so the SFU never makes a transceiver inactive.)
 */
import { RtcpPayloadSpecificFeedback } from './werift';
import type { MediaKind } from '../../../shared/protocol/messages';
import type { SessionDescription } from '../media-plane';
import { Forwarder } from './forwarder';
import { SfuPeer, type SfuPeerOptions } from './peer';

/** RTCP payload-specific feedback format of a Full Intra Request (RFC 5104); werift does not export it. */
const FIR_FMT = 4;

interface Slot {
  forwarder: Forwarder;
  active: boolean;
}

/** Collaborators of a {@link SubConnection}. */
export interface SubConnectionOptions extends SfuPeerOptions {
  /** An answer was applied (senders may have become ready): ask for key frames. */
  onNegotiated: () => void;
  /** The subscriber's decoder asked for a key frame of `uid`'s video (PLI or FIR). */
  onKeyframeRequest: (uid: number, kind: MediaKind) => void;
}

/** The SFU side of a member's `sub` PC. */
export class SubConnection {
  readonly peer: SfuPeer;
  private readonly slots = new Map<string, Slot>();
  private awaitingAnswer = false;
  private dirty = false;
  private scheduled = false;

  constructor(private readonly opts: SubConnectionOptions) {
    this.peer = new SfuPeer('sub', opts);
  }

  /** The forwarder for `uid`'s `kind`, adding (or reactivating) its transceiver. */
  ensure(uid: number, kind: MediaKind): Forwarder {
    const key = `${uid}:${kind}`;
    const slot = this.slots.get(key);
    if (slot) {
      if (!slot.active) {
        slot.active = true;
        slot.forwarder.restart();
      }
      return slot.forwarder;
    }
    const transceiver = this.peer.pc.addTransceiver(kind, { direction: 'sendonly' });
    const { sender } = transceiver;
    sender.streamId = String(uid);
    // Relay the subscriber's key-frame requests to the publisher (werift parses PLI itself;
    // FIR arrives as a raw payload-specific feedback packet).
    sender.onPictureLossIndication.subscribe(() => this.opts.onKeyframeRequest(uid, kind));
    sender.onRtcp.subscribe((packet) => {
      if (packet.type === RtcpPayloadSpecificFeedback.type && packet.feedback.count === FIR_FMT) {
        this.opts.onKeyframeRequest(uid, kind);
      }
    });
    const forwarder = new Forwarder(kind, sender);
    this.slots.set(key, { forwarder, active: true });
    this.schedule();
    return forwarder;
  }

  /** Parks `uid`'s `kind` (no more RTP on it); returns its forwarder, if it was active. */
  release(uid: number, kind: MediaKind): Forwarder | null {
    const slot = this.slots.get(`${uid}:${kind}`);
    if (!slot || !slot.active) return null;
    slot.active = false;
    return slot.forwarder;
  }

  /** The forwarder of an active subscription, if any. */
  forwarder(uid: number, kind: MediaKind): Forwarder | undefined {
    const slot = this.slots.get(`${uid}:${kind}`);
    return slot?.active ? slot.forwarder : undefined;
  }

  /** Forwarders of active subscriptions. */
  forwarders(): Forwarder[] {
    return [...this.slots.values()].filter((slot) => slot.active).map((slot) => slot.forwarder);
  }

  /** Applies the client's answer; resolves to an error message when none was expected. */
  async handleAnswer(answer: SessionDescription): Promise<string | null> {
    if (!this.awaitingAnswer) return 'no sub offer is outstanding';
    await this.peer.setRemoteDescription(answer);
    this.awaitingAnswer = false;
    this.opts.onNegotiated();
    if (this.dirty) this.schedule();
    return null;
  }

  /** Closes the connection and every forwarder. */
  close(): Promise<void> {
    for (const slot of this.slots.values()) slot.forwarder.close();
    this.slots.clear();
    return this.peer.close();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.negotiate();
    });
  }

  private async negotiate(): Promise<void> {
    if (this.peer.isClosed) return;
    if (this.awaitingAnswer) {
      this.dirty = true;
      return;
    }
    this.awaitingAnswer = true;
    this.dirty = false;
    try {
      const { pc } = this.peer;
      await pc.setLocalDescription(await pc.createOffer());
      const local = pc.localDescription;
      if (!local || this.peer.isClosed) return;
      this.opts.signal({ type: 'sdp', pc: 'sub', description: { type: 'offer', sdp: local.sdp } });
    } catch (error) {
      this.awaitingAnswer = false;
      this.opts.log('warn', `sub offer failed: ${String(error)}`);
    }
  }
}
