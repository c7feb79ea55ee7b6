/**
 * The little SDP inspection the SFU needs: which client PC an offer comes from (its DTLS
 * fingerprint), and a sanity check before werift sees it — werift happily "answers" SDP that
 * has no media, no ICE credentials and no fingerprint.
 */
import type { SessionDescription } from '../media-plane';

/** The DTLS fingerprint of an SDP (identifies the remote peer connection), or null. */
export function sdpFingerprint(sdp: string): string | null {
  const match = /^a=fingerprint:\s*(\S+)\s+(\S+)/im.exec(sdp);
  return match ? `${match[1]!.toLowerCase()} ${match[2]!.toUpperCase()}` : null;
}

/**
 * Why a client's SDP cannot be used (an offer on `pub` must carry at least one audio or video
 * m-section), or null when it looks usable: ICE credentials and a DTLS fingerprint present.
 */
export function sdpProblem(description: SessionDescription, needsMedia: boolean): string | null {
  const { sdp } = description;
  if (!sdp.startsWith('v=0')) return 'SDP must start with v=0';
  if (needsMedia && !/^m=(audio|video) /m.test(sdp)) return 'offer has no audio or video m-section';
  if (!/^a=ice-ufrag:\S+/m.test(sdp) || !/^a=ice-pwd:\S+/m.test(sdp)) return 'SDP lacks ICE credentials';
  if (sdpFingerprint(sdp) === null) return 'SDP lacks a DTLS fingerprint';
  return null;
}
