/**
 * The werift SFU: the channel server's {@link MediaPlane}. Per member a `pub` PC (client
 * offers) and a `sub` PC (server offers), a {@link MediaSource} per published kind that lives
 * as long as the membership (so a publisher's new PC after a rejoin feeds the same
 * subscribers with continuous sequence numbers), and a forwarder per subscription.
 * Rules (docs/PROTOCOL.md "Extensions"): a resumed membership keeps its pub PC until the client
 * offers from a new one, and gets a new sub PC (`media-reset` sub `resumed`, then a fresh
 * offer); a PC that werift reports `failed` is closed and the client told (`media-reset`).
 */
import type { MediaKind, PcName } from '../../../shared/protocol/messages';
import type { CandidateInit } from '../../network-path';
import type { ServerEventHub } from '../events';
import type {
  MediaPlane,
  MediaPlaneHooks,
  MediaPlaneStats,
  SessionDescription,
  SessionStart,
} from '../media-plane';
import type { Member } from '../members';
import type { SfuPeer } from './peer';
import { PubConnection } from './pub-connection';
import { sdpProblem } from './sdp';
import { MediaSource } from './source';
import { SubConnection } from './sub-connection';
import { mediaAddressFor } from './werift-config';

/** Options of the SFU. */
export interface SfuOptions {
  /** The server's listen host (decides the announced media address). */
  host: string;
  /** Address announced in candidates when `host` is a wildcard (default 127.0.0.1). */
  mediaAddress?: string;
  /** Called with every server peer connection created (diagnostics and leak tests). */
  onPeer?: (peer: SfuPeer) => void;
}

interface MemberMedia {
  pub: PubConnection | null;
  sub: SubConnection | null;
  sources: Record<MediaKind, MediaSource>;
  /** Subscriptions of this member: `${uid}:${kind}` → publisher. */
  subscriptions: Map<string, { publisher: Member; kind: MediaKind }>;
}

/** Builds the SFU for `ChannelServer`'s `media` option. */
export function sfuFactory(
  options: SfuOptions,
): (hooks: MediaPlaneHooks, events?: ServerEventHub) => MediaPlane {
  return (hooks, events) => new Sfu(options, hooks, events);
}

/** Selective forwarding of RTP between members' peer connections. */
export class Sfu implements MediaPlane {
  private readonly members = new Map<Member, MemberMedia>();
  private readonly mediaAddress: string;
  private readonly onPeer?: (peer: SfuPeer) => void;
  private closed = false;
  /** Peer connections still releasing their sockets (awaited by `close()`). */
  private readonly closing = new Set<Promise<void>>();

  constructor(
    options: SfuOptions,
    private readonly hooks: MediaPlaneHooks,
    private readonly events?: ServerEventHub,
  ) {
    this.mediaAddress = mediaAddressFor(options.host, options.mediaAddress);
    this.onPeer = options.onPeer;
  }

  sessionStarted(member: Member, start: SessionStart): void {
    const media = this.media(member);
    if (start !== 'resumed' || !media.sub) return;
    // The client's old sub PC cannot be assumed alive: start a new one with the same tracks.
    this.hooks.send(member, { type: 'media-reset', pc: 'sub', reason: 'resumed' });
    this.rebuildSub(member, media);
  }

  async handleSdp(member: Member, pc: PcName, description: SessionDescription): Promise<string | null> {
    if (this.closed) return 'server is closing';
    const media = this.media(member);
    if (pc === 'sub') {
      if (description.type !== 'answer') return 'sub takes an answer (the server offers)';
      if (!media.sub) return 'no sub offer is outstanding';
      return sdpProblem(description, false) ?? media.sub.handleAnswer(description);
    }
    if (description.type !== 'offer') return 'pub takes an offer (the server answers)';
    const problem = sdpProblem(description, true);
    if (problem) return problem;
    if (media.pub && !media.pub.sameClientPc(description)) {
      this.log('debug', member, 'pub offer from a new client PC: replacing the server side');
      this.closePub(media);
    }
    media.pub ??= this.createPub(member, media, description);
    await media.pub.handleOffer(description);
    return null;
  }

  handleCandidate(member: Member, pc: PcName, candidate: CandidateInit | null): void {
    const media = this.members.get(member);
    const target = pc === 'pub' ? media?.pub : media?.sub;
    target?.peer.addRemoteCandidate(candidate);
  }

  subscribe(subscriber: Member, publisher: Member, kind: MediaKind): void {
    const media = this.media(subscriber);
    const key = `${publisher.uid}:${kind}`;
    if (media.subscriptions.get(key)?.publisher === publisher) return;
    media.subscriptions.set(key, { publisher, kind });
    media.sub ??= this.createSub(subscriber, media);
    this.media(publisher).sources[kind].addSink(media.sub.ensure(publisher.uid, kind));
  }

  unsubscribe(subscriber: Member, publisherUid: number, kind: MediaKind): void {
    const media = this.members.get(subscriber);
    const key = `${publisherUid}:${kind}`;
    const entry = media?.subscriptions.get(key);
    if (!media || !entry) return;
    media.subscriptions.delete(key);
    const forwarder = media.sub?.release(publisherUid, kind);
    if (forwarder) this.members.get(entry.publisher)?.sources[kind].removeSink(forwarder);
  }

  setPublishing(member: Member, kind: MediaKind, publishing: boolean): void {
    const source = this.media(member).sources[kind];
    source.enabled = publishing;
    if (publishing) source.requestKeyframe();
  }

  removeMember(member: Member): void {
    const media = this.members.get(member);
    if (!media) return;
    this.members.delete(member);
    this.closePub(media);
    if (media.sub) this.release(media.sub.close());
    media.sources.audio.dispose();
    media.sources.video.dispose();
    for (const [other, otherMedia] of this.members) {
      for (const { publisher, kind } of [...otherMedia.subscriptions.values()]) {
        if (publisher === member) this.unsubscribe(other, member.uid, kind);
      }
    }
  }

  stats(): MediaPlaneStats {
    const stats: MediaPlaneStats = {
      members: this.members.size,
      openPcs: 0,
      closingPcs: this.closing.size,
      subscriptions: 0,
      sinks: 0,
    };
    for (const media of this.members.values()) {
      if (media.pub) stats.openPcs++;
      if (media.sub) stats.openPcs++;
      stats.subscriptions += media.subscriptions.size;
      stats.sinks += media.sources.audio.sinkCount + media.sources.video.sinkCount;
    }
    return stats;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const member of [...this.members.keys()]) this.removeMember(member);
    await Promise.all([...this.closing]);
  }

  private release(closed: Promise<void>): void {
    this.closing.add(closed);
    void closed.finally(() => this.closing.delete(closed));
  }

  private media(member: Member): MemberMedia {
    let media = this.members.get(member);
    if (!media) {
      const source = (kind: MediaKind): MediaSource =>
        new MediaSource(kind, () => this.hooks.rtp(member, kind));
      media = {
        pub: null,
        sub: null,
        sources: { audio: source('audio'), video: source('video') },
        subscriptions: new Map(),
      };
      this.members.set(member, media);
    }
    return media;
  }

  private createPub(member: Member, media: MemberMedia, offer: SessionDescription): PubConnection {
    const pub: PubConnection = new PubConnection(
      {
        mediaAddress: this.mediaAddress,
        signal: (message) => this.hooks.send(member, message),
        log: (level, message) => this.log(level, member, message),
        onState: (state, detail) =>
          this.pcState(member, 'pub', state, detail, () => {
            if (media.pub !== pub) return;
            this.closePub(media);
            this.hooks.send(member, { type: 'media-reset', pc: 'pub', reason: 'failed' });
          }),
        onTrack: (kind, track, receiver) => {
          if (media.pub === pub) media.sources[kind].attach(track, receiver);
        },
      },
      offer,
    );
    this.onPeer?.(pub.peer);
    return pub;
  }

  private closePub(media: MemberMedia): void {
    if (!media.pub) return;
    this.release(media.pub.close());
    media.pub = null;
    media.sources.audio.detach();
    media.sources.video.detach();
  }

  private createSub(member: Member, media: MemberMedia): SubConnection {
    const sub: SubConnection = new SubConnection({
      mediaAddress: this.mediaAddress,
      signal: (message) => this.hooks.send(member, message),
      log: (level, message) => this.log(level, member, message),
      onNegotiated: () => this.requestKeyframes(media),
      onKeyframeRequest: (uid, kind) => {
        const entry = media.subscriptions.get(`${uid}:${kind}`);
        if (entry && kind === 'video') this.members.get(entry.publisher)?.sources.video.requestKeyframe();
      },
      onState: (state, detail) => {
        if (state === 'connected') this.requestKeyframes(media);
        this.pcState(member, 'sub', state, detail, () => {
          if (media.sub !== sub) return;
          this.hooks.send(member, { type: 'media-reset', pc: 'sub', reason: 'failed' });
          this.rebuildSub(member, media);
        });
      },
    });
    this.onPeer?.(sub.peer);
    return sub;
  }

  /** Replaces the sub PC with a new one carrying the same subscriptions (a fresh offer). */
  private rebuildSub(member: Member, media: MemberMedia): void {
    const old = media.sub;
    if (old) {
      for (const { publisher, kind } of media.subscriptions.values()) {
        const forwarder = old.release(publisher.uid, kind);
        if (forwarder) this.members.get(publisher)?.sources[kind].removeSink(forwarder);
      }
      this.release(old.close());
    }
    media.sub = null;
    if (media.subscriptions.size === 0 || this.closed) return;
    const sub = this.createSub(member, media);
    media.sub = sub;
    for (const { publisher, kind } of media.subscriptions.values()) {
      this.members.get(publisher)?.sources[kind].addSink(sub.ensure(publisher.uid, kind));
    }
  }

  /** Sources of subscriptions whose forwarder waits for a key frame are asked for one. */
  private requestKeyframes(media: MemberMedia): void {
    for (const { publisher, kind } of media.subscriptions.values()) {
      if (kind === 'video' && media.sub?.forwarder(publisher.uid, kind)?.needsKeyframe) {
        this.members.get(publisher)?.sources.video.requestKeyframe();
      }
    }
  }

  private pcState(
    member: Member,
    pc: PcName,
    state: string,
    detail: string | undefined,
    onFailed: () => void,
  ): void {
    this.events?.emit({
      type: 'pc',
      level: state === 'failed' ? 'warn' : 'debug',
      channel: member.channel,
      uid: member.uid,
      pc,
      state,
      message: `${member.channel}/${member.uid} server ${pc} PC ${state}${detail ? ` (${detail})` : ''}`,
    });
    if (state === 'failed') onFailed();
  }

  private log(level: 'debug' | 'warn', member: Member, message: string): void {
    this.events?.emit({ type: 'log', level, message: `${member.channel}/${member.uid}: ${message}` });
  }
}
