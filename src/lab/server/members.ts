/**
 * Channel membership as the server keeps it: who is in which channel, bound to which socket,
 * publishing what, and the timers that watch each member (heartbeat, media, token). A member
 * outlives its socket: it stays until `leave`, a kick or the heartbeat timeout, so a client can
 * resume it from a new socket.
 */
import { randomBytes } from 'node:crypto';
import type { MediaKind } from '../../shared/protocol/messages';
import type { ClientSession } from './session';
import { DeadlineTimer, TokenTimers, monotonicMs } from './watchdogs';

/** Role from the token; audience members are invisible to others and cannot publish. */
export type MemberRole = 'host' | 'audience';

/** Durations a member's timers use, in real (already scaled) milliseconds. */
export interface MemberTimings {
  heartbeatTimeoutMs: number;
  mediaTimeoutMs: number;
  tokenWarningMs: number;
}

/** What a member's timers call when they fire. */
export interface MemberHooks {
  heartbeatTimeout(member: Member): void;
  mediaTimeout(member: Member, kind: MediaKind): void;
  tokenWillExpire(member: Member, inMs: number): void;
  tokenExpired(member: Member): void;
}

const KINDS: readonly MediaKind[] = ['audio', 'video'];

/** One membership of one UID in one channel. */
export class Member {
  /** Opaque secret a client presents in `join.resume` to rebind this membership. */
  readonly resume = randomBytes(18).toString('base64url');
  /** The socket currently bound, or null while the client is away. */
  session: ClientSession | null = null;
  /** Monotonic time of the last message from the bound socket. */
  lastSeen = monotonicMs();
  /** Kinds the member announced with `publish`. */
  readonly announced = new Set<MediaKind>();
  /** Announced kinds currently hidden from others because no RTP arrived (`no-media`). */
  readonly noMedia = new Set<MediaKind>();
  /** Monotonic time of the last RTP packet (or of the `publish`) per kind. */
  readonly lastRtp: Record<MediaKind, number> = { audio: 0, video: 0 };
  /** The exact token the member joined (or renewed) with; null in auth "none". */
  token: string | null = null;
  private readonly heartbeat: DeadlineTimer;
  private readonly media: Record<MediaKind, DeadlineTimer>;
  private readonly tokenTimers: TokenTimers;

  constructor(
    readonly channel: string,
    readonly uid: number,
    public role: MemberRole,
    timings: MemberTimings,
    hooks: MemberHooks,
  ) {
    this.heartbeat = new DeadlineTimer(
      timings.heartbeatTimeoutMs,
      () => this.lastSeen,
      () => hooks.heartbeatTimeout(this),
    );
    const mediaTimer = (kind: MediaKind): DeadlineTimer =>
      new DeadlineTimer(
        timings.mediaTimeoutMs,
        () => this.lastRtp[kind],
        () => hooks.mediaTimeout(this, kind),
      );
    this.media = { audio: mediaTimer('audio'), video: mediaTimer('video') };
    this.tokenTimers = new TokenTimers(
      timings.tokenWarningMs,
      (inMs) => hooks.tokenWillExpire(this, inMs),
      () => hooks.tokenExpired(this),
    );
    this.heartbeat.start();
  }

  /** Others see this member (hosts only, as in live broadcasting). */
  get visible(): boolean {
    return this.role === 'host';
  }

  /** Kinds others currently see as published. */
  published(): MediaKind[] {
    return KINDS.filter((kind) => this.announced.has(kind) && !this.noMedia.has(kind));
  }

  /** Records a message from the bound socket (feeds the heartbeat watchdog). */
  touch(): void {
    this.lastSeen = monotonicMs();
  }

  /** Starts watching RTP of an announced kind (the clock starts now). */
  watchMedia(kind: MediaKind): void {
    this.lastRtp[kind] = monotonicMs();
    this.media[kind].start();
  }

  /** Stops watching a kind (unpublished, or already reported as no-media). */
  unwatchMedia(kind: MediaKind): void {
    this.media[kind].stop();
  }

  /** Arms the token timers for an expiry in epoch ms. */
  setTokenExpiry(expMs: number): void {
    this.tokenTimers.set(expMs);
  }

  /** Stops every timer; the member is gone. */
  dispose(): void {
    this.heartbeat.stop();
    this.media.audio.stop();
    this.media.video.stop();
    this.tokenTimers.stop();
  }
}

/** Every channel's members plus the bans; pure bookkeeping, no messages. */
export class ChannelRegistry {
  private readonly channels = new Map<string, Map<number, Member>>();
  private readonly bannedUids = new Map<string, Set<number>>();
  private readonly bannedChannels = new Set<string>();

  /** The member with this UID in this channel, if any. */
  get(channel: string, uid: number): Member | undefined {
    return this.channels.get(channel)?.get(uid);
  }

  /** Adds a member (replacing nothing: the caller removes an older one first). */
  add(member: Member): void {
    let channel = this.channels.get(member.channel);
    if (!channel) this.channels.set(member.channel, (channel = new Map()));
    channel.set(member.uid, member);
  }

  /** Removes a member if it is the one registered under its UID. */
  remove(member: Member): void {
    const channel = this.channels.get(member.channel);
    if (channel?.get(member.uid) !== member) return;
    channel.delete(member.uid);
    if (channel.size === 0) this.channels.delete(member.channel);
  }

  /** Members of a channel (a copy). */
  inChannel(channel: string): Member[] {
    return [...(this.channels.get(channel)?.values() ?? [])];
  }

  /** Every member of every channel (a copy). */
  all(): Member[] {
    return [...this.channels.values()].flatMap((channel) => [...channel.values()]);
  }

  /** Refuses this UID in this channel from now on. */
  banUid(channel: string, uid: number): void {
    let set = this.bannedUids.get(channel);
    if (!set) this.bannedUids.set(channel, (set = new Set()));
    set.add(uid);
  }

  /** Refuses every join to this channel from now on. */
  banChannel(channel: string): void {
    this.bannedChannels.add(channel);
  }

  /** Whether this UID is banned from this channel. */
  isUidBanned(channel: string, uid: number): boolean {
    return this.bannedUids.get(channel)?.has(uid) ?? false;
  }

  /** Whether this channel is banned. */
  isChannelBanned(channel: string): boolean {
    return this.bannedChannels.has(channel);
  }
}
