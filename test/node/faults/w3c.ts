/**
 * The subset of the W3C WebRTC API the relay tests use, typed here because wrtc's .d.ts relies
 * on DOM globals the node project does not load; and wrtc's RTCPeerConnection behind it.
 */
import wrtc from '@roamhq/wrtc';
import type { CandidateInit } from '../../../src/lab/network-path';

/** A data channel. */
export interface Channel {
  readyState: string;
  send(data: string): void;
  onmessage: ((e: { data: unknown }) => void) | null;
}
/** A session description. */
export interface Desc {
  type: 'offer' | 'answer';
  sdp: string;
}
/** A peer connection. */
export interface Pc {
  connectionState: string;
  onicecandidate: ((e: { candidate: { toJSON(): unknown } | null }) => void) | null;
  ondatachannel: ((e: { channel: Channel }) => void) | null;
  createDataChannel(label: string): Channel;
  createOffer(): Promise<Desc>;
  createAnswer(): Promise<Desc>;
  setLocalDescription(d: Desc): Promise<void>;
  setRemoteDescription(d: Desc): Promise<void>;
  addIceCandidate(c: CandidateInit): Promise<void>;
  getStats(): Promise<Map<string, Record<string, unknown>>>;
  close(): void;
}
/** wrtc's RTCPeerConnection, typed as {@link Pc}. */
export const RTCPeerConnection = (wrtc as unknown as { RTCPeerConnection: new (c: { iceServers: [] }) => Pc })
  .RTCPeerConnection;
