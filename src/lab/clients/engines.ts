/**
 * The WebRTC engines the connection manager can run on, behind the small subset of the W3C
 * `RTCPeerConnection` API it uses. `wrtc` (@roamhq/wrtc, libwebrtc) is used as is; `werift`
 * (pure TypeScript) gets a thin adapter where it differs (docs/WEBRTC.md "The werift adapter").
 */
import { createRequire } from 'node:module';
import type { CandidateInit } from '../network-path';

import type { EngineName } from '../../shared/model/engines';

export { isEngineName, type EngineName } from '../../shared/model/engines';

/** The engines that run inside the lab process. */
export type NodeEngineName = Exclude<EngineName, 'browser'>;

/** One ICE server (W3C RTCIceServer). */
export interface IceServerInit {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** ICE configuration of a client's peer connections (e.g. the lab's TURN server). */
export interface IceConfig {
  iceServers?: IceServerInit[];
  /** `relay`: only TURN-relayed candidates. */
  iceTransportPolicy?: 'all' | 'relay';
}

/** True when `ice` names a TURN server (a `turn:` or `turns:` URL). */
export function hasTurnServer(ice: IceConfig): boolean {
  return (ice.iceServers ?? []).some((server) =>
    (Array.isArray(server.urls) ? server.urls : [server.urls]).some((url) => /^turns?:/i.test(url)),
  );
}

/** An SDP offer or answer. */
export interface SdpInit {
  type: 'offer' | 'answer';
  sdp: string;
}

/** The `candidate` of an `icecandidate` event (W3C RTCIceCandidate, as both engines give it). */
export interface IceCandidateLike {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

/** The sender side of a transceiver. */
export interface RtpSenderLike {
  readonly track: unknown;
  replaceTrack(track: unknown): Promise<void>;
}

/** A transceiver (W3C subset). */
export interface RtpTransceiverLike {
  readonly mid: string | null;
  readonly sender: RtpSenderLike;
  readonly receiver: { readonly track: unknown };
}

/** A `track` event (W3C subset). */
export interface TrackEventLike {
  readonly track: { readonly kind: string; readonly id?: string };
  readonly transceiver?: RtpTransceiverLike;
}

/** A stats report: a Map of stats objects by id (W3C `RTCStatsReport`). */
export interface StatsReportLike {
  forEach(cb: (value: Record<string, unknown>) => void): void;
}

/**
 * The W3C `RTCPeerConnection` subset the manager speaks. It has no `localDescription` or
 * `remoteDescription`: libwebrtc's getters in @roamhq/wrtc serialize a description that the
 * signaling thread may be changing at that moment (adding a gathered candidate, applying the
 * next offer) and segfault the process (node-webrtc #696; seen in our CI as SIGSEGV in
 * `webrtc::SdpSerialize` under `GetLocalDescription`). Callers keep the descriptions they
 * created or applied instead.
 */
export interface PeerConnectionLike {
  readonly connectionState: string;
  readonly iceConnectionState: string;
  readonly signalingState: string;
  onicecandidate: ((event: { candidate?: IceCandidateLike | null }) => void) | null;
  oniceconnectionstatechange: (() => void) | null;
  onconnectionstatechange: (() => void) | null;
  ontrack: ((event: TrackEventLike) => void) | null;
  createOffer(options?: { iceRestart?: boolean }): Promise<SdpInit>;
  createAnswer(): Promise<SdpInit>;
  setLocalDescription(description: SdpInit): Promise<unknown>;
  setRemoteDescription(description: SdpInit): Promise<unknown>;
  addIceCandidate(candidate: CandidateInit): Promise<unknown>;
  addTransceiver(trackOrKind: unknown, init?: { direction?: string }): RtpTransceiverLike;
  getTransceivers(): RtpTransceiverLike[];
  getStats(): Promise<StatsReportLike>;
  close(): unknown;
}

/** The engine namespace of @roamhq/wrtc (typed loosely: its .d.ts relies on DOM globals). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WrtcModule = any;
/** The engine namespace of werift. */
export type WeriftModule = typeof import('werift');

const require = createRequire(import.meta.url);
let wrtcModule: WrtcModule | undefined;
let weriftModule: WeriftModule | undefined;

/** Loads @roamhq/wrtc once (native N-API module, CommonJS). */
export function loadWrtc(): WrtcModule {
  wrtcModule ??= require('@roamhq/wrtc');
  return wrtcModule;
}

/**
 * Loads werift once (CommonJS build: the one whose ICE constants can be changed; docs/WEBRTC.md
 * "Engines").
 */
export function loadWerift(): WeriftModule {
  weriftModule ??= require('werift') as WeriftModule;
  return weriftModule;
}

/**
 * Loads the Node engines among `engines` now (a native module load blocks the event loop for
 * hundreds of ms once; the lab does it before it starts measuring its own stalls).
 */
export function preloadEngines(engines: Iterable<string>): void {
  for (const engine of new Set(engines)) {
    if (engine === 'wrtc') loadWrtc();
    else if (engine === 'werift') loadWerift();
  }
}

/**
 * A new peer connection on a Node engine, with the given ICE servers only (none by default:
 * werift's default STUN server is unreachable in a loopback lab, and server-reflexive
 * candidates are useless there anyway). The `browser` engine makes its PCs in its page
 * (src/lab/browser).
 */
export function createPeerConnection(engine: NodeEngineName, ice: IceConfig = {}): PeerConnectionLike {
  const iceServers = ice.iceServers ?? [];
  const iceTransportPolicy = ice.iceTransportPolicy ?? 'all';
  if (engine === 'wrtc') {
    const wrtc = loadWrtc();
    return new wrtc.RTCPeerConnection({ iceServers, iceTransportPolicy }) as PeerConnectionLike;
  }
  if (engine === 'werift') {
    const werift = loadWerift();
    return new WeriftPeerConnection(
      new werift.RTCPeerConnection({
        iceServers,
        iceTransportPolicy,
        // werift skips loopback when it enumerates interfaces, and this lab is loopback only:
        // gather exactly one UDP host candidate on 127.0.0.1.
        iceUseIpv4: false,
        iceUseIpv6: false,
        iceAdditionalHostAddresses: ['127.0.0.1'],
        iceInterfaceAddresses: { udp4: '127.0.0.1' },
        codecs: { audio: [werift.useOPUS()], video: [werift.useVP8()] },
      }),
    );
  }
  throw new Error(`unknown WebRTC engine ${JSON.stringify(engine)} (expected 'wrtc' or 'werift')`);
}

type WeriftPc = InstanceType<WeriftModule['RTCPeerConnection']>;

/**
 * werift behind the W3C subset. Differences it papers over:
 * - descriptions and candidates are werift classes: converted to plain init objects;
 * - ICE restart between two werift peers stalls because DTLS stays connected and no checks are
 *   sent (docs/WEBRTC.md "The werift adapter"): after an ICE-restart answer is applied, the ICE
 *   transports are started again, which is harmless with a libwebrtc peer.
 */
export class WeriftPeerConnection implements PeerConnectionLike {
  onicecandidate: ((event: { candidate?: IceCandidateLike | null }) => void) | null = null;
  oniceconnectionstatechange: (() => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  ontrack: ((event: TrackEventLike) => void) | null = null;
  private restarting = false;
  private reportedIce = 'new';

  /** @param pc the werift peer connection to wrap (owned from now on) */
  constructor(readonly pc: WeriftPc) {
    pc.onicecandidate = (event) => {
      const c = event.candidate;
      this.onicecandidate?.({ candidate: c ? plainCandidate(c) : null });
    };
    pc.oniceconnectionstatechange = () => this.iceMaybeChanged();
    pc.onconnectionstatechange = () => {
      this.onconnectionstatechange?.();
      this.iceMaybeChanged();
    };
    pc.ontrack = (event) => this.ontrack?.(event as unknown as TrackEventLike);
  }

  get connectionState(): string {
    return this.pc.connectionState;
  }
  /**
   * werift 0.24.4 reports ICE `completed` as soon as candidates are gathered, before any check
   * succeeded: until the PC is connected such a state reads `checking` here.
   */
  get iceConnectionState(): string {
    const s = this.pc.iceConnectionState;
    if ((s === 'completed' || s === 'connected') && this.pc.connectionState !== 'connected')
      return 'checking';
    return s;
  }

  private iceMaybeChanged(): void {
    const now = this.iceConnectionState;
    if (now === this.reportedIce) return;
    this.reportedIce = now;
    this.oniceconnectionstatechange?.();
  }
  get signalingState(): string {
    return this.pc.signalingState;
  }

  async createOffer(options?: { iceRestart?: boolean }): Promise<SdpInit> {
    if (options?.iceRestart) this.restarting = true;
    const d = await this.pc.createOffer(options);
    return { type: d.type as SdpInit['type'], sdp: d.sdp };
  }
  async createAnswer(): Promise<SdpInit> {
    const d = await this.pc.createAnswer();
    return { type: d.type as SdpInit['type'], sdp: d.sdp };
  }
  async setLocalDescription(description: SdpInit): Promise<void> {
    await this.pc.setLocalDescription(description);
  }
  async setRemoteDescription(description: SdpInit): Promise<void> {
    await this.pc.setRemoteDescription(description);
    if (this.restarting && description.type === 'answer') {
      this.restarting = false;
      for (const transport of this.pc.iceTransports) {
        try {
          void Promise.resolve(transport.start()).catch(() => undefined);
        } catch {
          // a transport that is closing: nothing to restart
        }
      }
    }
  }
  async addIceCandidate(candidate: CandidateInit): Promise<void> {
    await this.pc.addIceCandidate({
      candidate: candidate.candidate,
      sdpMid: candidate.sdpMid ?? undefined,
      sdpMLineIndex: candidate.sdpMLineIndex ?? undefined,
      usernameFragment: candidate.usernameFragment ?? undefined,
    });
  }
  addTransceiver(trackOrKind: unknown, init?: { direction?: string }): RtpTransceiverLike {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return this.pc.addTransceiver(trackOrKind as any, init as any) as unknown as RtpTransceiverLike;
  }
  getTransceivers(): RtpTransceiverLike[] {
    return this.pc.getTransceivers() as unknown as RtpTransceiverLike[];
  }
  async getStats(): Promise<StatsReportLike> {
    return (await this.pc.getStats()) as unknown as StatsReportLike;
  }
  close(): Promise<void> {
    this.onicecandidate = null;
    this.oniceconnectionstatechange = null;
    this.onconnectionstatechange = null;
    this.ontrack = null;
    return this.pc.close().catch(() => undefined);
  }
}

function plainCandidate(c: IceCandidateLike): IceCandidateLike {
  return {
    candidate: c.candidate,
    sdpMid: c.sdpMid ?? null,
    sdpMLineIndex: c.sdpMLineIndex ?? null,
    usernameFragment: c.usernameFragment ?? null,
  };
}
