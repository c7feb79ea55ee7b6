/**
 * One of a client's peer connections (`pub` or `sub`) with the network-path seam around it:
 * remote candidates (from SDP and trickle) go through `NetworkPath.mapRemoteCandidate` and
 * wait until the remote description is set (wrtc rejects them earlier; werift mismatches
 * them); local candidates go out only when `shouldSendLocalCandidate` allows and our own
 * description has been sent; every operation runs in arrival order on one chain; ICE and PC
 * state changes become `media` records, and each ICE gathering round ends with a `log` record
 * of the candidates it found ({@link GatheringTally}).
 */
import type { ClientMessage, PcName, RecordSink } from '../../shared';
import type { CandidateInit, NetworkPath } from '../network-path';
import type { PeerConnectionLike, SdpInit } from './engines';
import type { WebRtcRuntime } from './webrtc-runtime';
import { GatheringTally } from './gathering';
import { announcedTracks, splitCandidates, type AnnouncedTrack } from './sdp';

/** What a slot needs around it. */
export interface PcSlotOptions {
  uid: number;
  runtime: WebRtcRuntime;
  path: NetworkPath;
  sink: RecordSink;
  send: (message: ClientMessage) => boolean;
  /** ICE state after a change (already recorded). */
  onIceState: (state: string) => void;
  /** PC state after a change (already recorded). */
  onPcState: (state: string) => void;
}

/** A peer connection and its candidate bookkeeping. */
export class PcSlot {
  readonly pc: PeerConnectionLike;
  private readonly queued: CandidateInit[] = [];
  private readonly localQueue: Array<CandidateInit | null> = [];
  private readonly seen = new Set<string>();
  private localReady = false;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  private remoteApplied = false;
  private remoteTracks: AnnouncedTrack[] = [];
  private readonly gathered = new GatheringTally();

  constructor(
    readonly name: PcName,
    private readonly o: PcSlotOptions,
  ) {
    const pc = (this.pc = o.runtime.createPeerConnection());
    pc.onicecandidate = (event) => {
      const c = event.candidate;
      if (c?.candidate) this.gathered.add(c.candidate);
      else if (!c && !this.gathered.empty) {
        const { level, msg } = this.gathered.take(name, o.runtime.relayConfigured);
        o.sink({ type: 'log', uid: o.uid, level, msg });
      }
      const init: CandidateInit | null = c
        ? {
            candidate: c.candidate,
            sdpMid: c.sdpMid ?? null,
            sdpMLineIndex: c.sdpMLineIndex ?? null,
            usernameFragment: c.usernameFragment ?? null,
          }
        : null;
      if (init && (!init.candidate || !o.path.shouldSendLocalCandidate(init))) return;
      if (this.localReady) o.send({ type: 'candidate', pc: name, candidate: init });
      else this.localQueue.push(init);
    };
    pc.oniceconnectionstatechange = () => {
      const state = pc.iceConnectionState;
      o.sink({ type: 'media', uid: o.uid, event: 'ice-state', pc: name, value: state });
      if (!this.closed) o.onIceState(state);
    };
    pc.onconnectionstatechange = () => {
      const state = pc.connectionState;
      o.sink({ type: 'media', uid: o.uid, event: 'pc-state', pc: name, value: state });
      if (!this.closed) o.onPcState(state);
    };
    pc.ontrack = () => undefined;
  }

  /** Runs `task` after every earlier operation on this PC. */
  enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.chain.then(task, task);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Sets a remote description without its candidates, then adds them (and the queued ones). */
  async applyRemote(description: SdpInit): Promise<void> {
    const { sdp, candidates } = splitCandidates(description.sdp);
    await this.pc.setRemoteDescription({ type: description.type, sdp });
    this.remoteApplied = true;
    this.remoteTracks = announcedTracks(sdp);
    this.seen.clear();
    for (const c of [...candidates, ...this.queued.splice(0)]) await this.addRemote(c);
  }

  /** A trickled remote candidate: added now, or queued until the remote description is set. */
  remoteCandidate(candidate: CandidateInit): Promise<void> {
    return this.enqueue(async () => {
      if (!this.remoteApplied) this.queued.push(candidate);
      else await this.addRemote(candidate);
    });
  }

  /** A remote candidate that arrived before this PC had any description (kept for later). */
  keepForLater(candidate: CandidateInit): void {
    this.queued.push(candidate);
  }

  /** Our description is out: send the local candidates held so far, and later ones at once. */
  markLocalReady(): void {
    this.localReady = true;
    for (const c of this.localQueue.splice(0))
      this.o.send({ type: 'candidate', pc: this.name, candidate: c });
  }

  /**
   * Whether a remote description was applied. Kept here rather than read from the PC: the
   * native engine's description getters read a description its signaling thread may be
   * replacing at that moment (segfaults in them are reported upstream, node-webrtc #696), and
   * callers outside the slot's queue cannot know whether a negotiation is in flight.
   */
  get hasRemoteDescription(): boolean {
    return this.remoteApplied;
  }

  /**
   * The tracks the applied remote description announces (mid, kind, stream id, SSRCs), parsed
   * from what we applied for the same reason as {@link hasRemoteDescription}.
   */
  get announced(): readonly AnnouncedTrack[] {
    return this.remoteTracks;
  }

  /** Closes the PC; no more records or callbacks from it. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const { pc } = this;
    pc.onicecandidate = null;
    pc.oniceconnectionstatechange = null;
    pc.onconnectionstatechange = null;
    pc.ontrack = null;
    try {
      void Promise.resolve(pc.close()).catch(() => undefined);
    } catch {
      // already closed
    }
  }

  private async addRemote(candidate: CandidateInit): Promise<void> {
    if (this.seen.has(candidate.candidate)) return;
    this.seen.add(candidate.candidate);
    let mapped: CandidateInit | null;
    try {
      mapped = await this.o.path.mapRemoteCandidate(candidate);
    } catch (err) {
      this.log(`network path could not map a remote candidate: ${String(err)}`);
      return;
    }
    if (!mapped || this.closed) return;
    try {
      await this.pc.addIceCandidate(mapped);
    } catch (err) {
      this.log(`remote candidate rejected by the engine: ${(err as Error).message}`);
    }
  }

  private log(msg: string): void {
    this.o.sink({ type: 'log', uid: this.o.uid, level: 'warn', msg });
  }
}
