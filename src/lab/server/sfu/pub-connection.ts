/**
 * A member's publishing peer connection: the client offers (sendonly audio/video), the SFU
 * answers and hands each received track to the member's {@link MediaSource}. A later offer on
 * the same PC (ICE restart: new ufrag, same DTLS fingerprint) is answered on it; an offer from
 * a different PC (new fingerprint) is the caller's cue to replace this one.
 */
import type { MediaStreamTrack, RTCRtpReceiver } from './werift';
import type { MediaKind } from '../../../shared/protocol/messages';
import type { SessionDescription } from '../media-plane';
import { SfuPeer, type SfuPeerOptions } from './peer';
import { sdpFingerprint } from './sdp';

/** Collaborators of a {@link PubConnection}. */
export interface PubConnectionOptions extends SfuPeerOptions {
  /** A remote track started (may repeat for the same track on renegotiation). */
  onTrack: (kind: MediaKind, track: MediaStreamTrack, receiver: RTCRtpReceiver) => void;
}

/** The SFU side of a member's `pub` PC. */
export class PubConnection {
  readonly peer: SfuPeer;
  /** DTLS fingerprint of the client's PC (from its first offer). */
  readonly fingerprint: string | null;
  private readonly signal: SfuPeerOptions['signal'];
  private chain: Promise<void> = Promise.resolve();

  /** @param firstOffer the offer that creates this connection (its fingerprint names the client PC) */
  constructor(opts: PubConnectionOptions, firstOffer: SessionDescription) {
    this.fingerprint = sdpFingerprint(firstOffer.sdp);
    this.peer = new SfuPeer('pub', opts);
    this.peer.pc.ontrack = ({ track, receiver }) => {
      if (!this.peer.isClosed && (track.kind === 'audio' || track.kind === 'video')) {
        opts.onTrack(track.kind, track, receiver);
      }
    };
    this.signal = opts.signal;
  }

  /** Whether an offer comes from the same client PC (same DTLS fingerprint). */
  sameClientPc(offer: SessionDescription): boolean {
    return this.fingerprint !== null && sdpFingerprint(offer.sdp) === this.fingerprint;
  }

  /** Applies an offer and sends the answer; offers are handled one at a time. */
  handleOffer(offer: SessionDescription): Promise<void> {
    const done = this.peer.expectRemoteDescription();
    const run = this.chain.then(() => this.answer(offer)).finally(done);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Closes the connection. */
  close(): Promise<void> {
    return this.peer.close();
  }

  private async answer(offer: SessionDescription): Promise<void> {
    const { pc } = this.peer;
    if (this.peer.isClosed) return;
    await this.peer.setRemoteDescription(offer);
    await pc.setLocalDescription(await pc.createAnswer());
    const local = pc.localDescription;
    if (!local || this.peer.isClosed) return;
    this.signal({ type: 'sdp', pc: 'pub', description: { type: 'answer', sdp: local.sdp } });
  }
}
