/**
 * A peer connection that lives in a browser page (Chromium's own WebRTC stack), seen from the
 * lab through the same W3C subset as the Node engines ({@link PeerConnectionLike}).
 *
 * Every method becomes one agent call; calls on one PC run in order in the page. What the W3C
 * API answers synchronously (states, descriptions, `addTransceiver`, `getTransceivers`) comes
 * from a mirror kept up to date by every call's result and every event's snapshot, so the
 * connection manager cannot tell this engine from the others.
 */
import type {
  IceCandidateLike,
  PeerConnectionLike,
  RtpSenderLike,
  RtpTransceiverLike,
  SdpInit,
  StatsReportLike,
  TrackEventLike,
} from '../clients/engines';
import type { CandidateInit } from '../network-path';
import type { AgentEvent, AgentPage, PcSnapshot } from './agent-protocol';

/** A track made in the page by {@link BrowserMedia}: the lab holds only this handle. */
export interface BrowserTrackHandle {
  readonly id: string;
  readonly kind: string;
}

/** ICE configuration handed to the page's `RTCPeerConnection`. */
export interface BrowserPcConfig {
  iceServers?: Array<{ urls: string | string[]; username?: string; credential?: string }>;
  iceTransportPolicy?: 'all' | 'relay';
}

let nextPcId = 1;

class MirrorTransceiver implements RtpTransceiverLike {
  mid: string | null = null;
  readonly receiver: { track: { kind: string; id: string } | null } = { track: null };
  readonly sender: RtpSenderLike & { track: BrowserTrackHandle | null };

  constructor(owner: BrowserPeerConnection, index: number, track: BrowserTrackHandle | null) {
    const sender = {
      track,
      replaceTrack: async (next: unknown): Promise<void> => {
        const handle = (next ?? null) as BrowserTrackHandle | null;
        await owner.callPc('replaceTrack', [index, handle?.id ?? null]);
        sender.track = handle;
      },
    };
    this.sender = sender;
  }
}

/** See the module comment. Create through the browser engine (`browser-engine.ts`). */
export class BrowserPeerConnection implements PeerConnectionLike {
  onicecandidate: ((event: { candidate?: IceCandidateLike | null }) => void) | null = null;
  oniceconnectionstatechange: (() => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  ontrack: ((event: TrackEventLike) => void) | null = null;

  readonly id = `pc${nextPcId++}`;
  private state: PcSnapshot = {
    connectionState: 'new',
    iceConnectionState: 'new',
    signalingState: 'stable',
    localDescription: null,
    remoteDescription: null,
    transceivers: [],
  };
  private readonly mirror: MirrorTransceiver[] = [];
  private readonly created: Promise<unknown>;
  private readonly stopListening: () => void;
  private readonly stopWatchingPage: () => void;
  private reportedIce = 'new';
  private reportedPc = 'new';
  private closed = false;

  /**
   * @param page the page the PC lives in (open)
   * @param config ICE servers and policy
   * @param onError where failures of fire-and-forget calls (addTransceiver) are reported
   */
  constructor(
    private readonly page: AgentPage,
    config: BrowserPcConfig,
    private readonly onError: (message: string) => void = () => undefined,
  ) {
    this.stopListening = page.onEvent((event) => {
      if (event.kind !== 'stall' && event.pc === this.id) this.handle(event);
    });
    // A page that crashes takes its PCs with it: report them failed, as a dead network would.
    this.stopWatchingPage = page.onClosed(() => {
      if (this.closed) return;
      this.handle({
        ...this.state,
        pc: this.id,
        kind: 'connectionstatechange',
        iceConnectionState: 'failed',
        connectionState: 'failed',
      });
    });
    this.created = page.call<PcSnapshot>('createPc', [this.id, config]).then((s) => this.apply(s));
    this.created.catch((err: Error) => this.onError(`browser peer connection not created: ${err.message}`));
  }

  get connectionState(): string {
    return this.closed ? 'closed' : this.state.connectionState;
  }
  get iceConnectionState(): string {
    return this.closed ? 'closed' : this.state.iceConnectionState;
  }
  get signalingState(): string {
    return this.closed ? 'closed' : this.state.signalingState;
  }
  get localDescription(): SdpInit | null {
    return asInit(this.state.localDescription);
  }
  get remoteDescription(): SdpInit | null {
    return asInit(this.state.remoteDescription);
  }

  createOffer(options?: { iceRestart?: boolean }): Promise<SdpInit> {
    return this.callPc<SdpInit>('createOffer', [options ?? {}]);
  }
  createAnswer(): Promise<SdpInit> {
    return this.callPc<SdpInit>('createAnswer', []);
  }
  async setLocalDescription(description: SdpInit): Promise<void> {
    this.apply(await this.callPc<PcSnapshot>('setLocalDescription', [description]));
  }
  async setRemoteDescription(description: SdpInit): Promise<void> {
    this.apply(await this.callPc<PcSnapshot>('setRemoteDescription', [description]));
  }
  async addIceCandidate(candidate: CandidateInit): Promise<void> {
    await this.callPc('addIceCandidate', [candidate]);
  }

  addTransceiver(trackOrKind: unknown, init?: { direction?: string }): RtpTransceiverLike {
    const handle = typeof trackOrKind === 'string' ? null : (trackOrKind as BrowserTrackHandle);
    const target = handle ? { track: handle.id } : { kind: trackOrKind };
    const transceiver = new MirrorTransceiver(this, this.mirror.length, handle);
    this.mirror.push(transceiver);
    this.callPc<PcSnapshot>('addTransceiver', [target, init ?? {}]).then(
      (s) => this.apply(s),
      (err: Error) => this.onError(`browser addTransceiver failed: ${err.message}`),
    );
    return transceiver;
  }

  getTransceivers(): RtpTransceiverLike[] {
    return [...this.mirror];
  }

  async getStats(): Promise<StatsReportLike> {
    const stats = await this.callPc<Array<Record<string, unknown>>>('getStats', []);
    return { forEach: (cb) => stats.forEach((s) => cb(s)) };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onicecandidate = null;
    this.oniceconnectionstatechange = null;
    this.onconnectionstatechange = null;
    this.ontrack = null;
    this.stopListening();
    this.stopWatchingPage();
    void this.created.then(() => this.page.call('closePc', [this.id])).catch(() => undefined);
  }

  /** One agent call on this PC, after its creation (internal; transceivers use it too). */
  async callPc<T = unknown>(method: string, args: unknown[]): Promise<T> {
    if (this.closed) throw new Error('the peer connection is closed');
    await this.created;
    return this.page.call<T>(method, [this.id, ...args]);
  }

  private handle(event: Exclude<AgentEvent, { kind: 'stall' }>): void {
    if (this.closed) return;
    if (event.kind === 'icecandidate') {
      this.onicecandidate?.({ candidate: event.candidate });
      return;
    }
    this.apply(event);
    // One change may arrive with another's snapshot: report by state, not by event kind.
    if (this.reportedIce !== this.state.iceConnectionState) {
      this.reportedIce = this.state.iceConnectionState;
      this.oniceconnectionstatechange?.();
    }
    if (this.reportedPc !== this.state.connectionState) {
      this.reportedPc = this.state.connectionState;
      this.onconnectionstatechange?.();
    }
    if (event.kind === 'track') {
      const transceiver = this.mirror.find((t) => t.mid !== null && t.mid === event.mid);
      this.ontrack?.({ track: { kind: event.trackKind, id: event.trackId }, transceiver });
    }
  }

  private apply(snapshot: PcSnapshot): void {
    this.state = {
      connectionState: snapshot.connectionState,
      iceConnectionState: snapshot.iceConnectionState,
      signalingState: snapshot.signalingState,
      localDescription: snapshot.localDescription,
      remoteDescription: snapshot.remoteDescription,
      transceivers: snapshot.transceivers,
    };
    snapshot.transceivers.forEach((t, index) => {
      const mirror = (this.mirror[index] ??= new MirrorTransceiver(this, index, null));
      mirror.mid = t.mid;
      mirror.receiver.track = t.kind && t.receiverTrack ? { kind: t.kind, id: t.receiverTrack } : null;
    });
  }
}

function asInit(d: PcSnapshot['localDescription']): SdpInit | null {
  return d && (d.type === 'offer' || d.type === 'answer') ? { type: d.type, sdp: d.sdp } : null;
}
