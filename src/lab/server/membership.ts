/**
 * The channel rules of PROTOCOL.md on top of {@link ChannelRegistry}: join, resume, same-UID
 * login, leave, removal on heartbeat timeout, publish state and the media watchdog, tokens
 * (renewal, warning, expiry) and the admin actions (bans, forced expiry). It sends the
 * messages others observe (`user-joined`, `user-published`, …) and reports every change as a
 * {@link ServerEvent}.
 */
import { scaled, type LabTiming } from '../../shared/model/config';
import {
  CloseCode,
  type ClientMessage,
  type MediaKind,
  type ServerMessage,
} from '../../shared/protocol/messages';
import { Admission } from './admission';
import { Authenticator } from './auth';
import type { ServerEvent, ServerEventHub } from './events';
import type { InputErrorSampler } from './input-errors';
import type { MediaPlane } from './media-plane';
import { Publishing } from './publishing';
import { ChannelRegistry, Member, type MemberHooks, type MemberTimings } from './members';
import type { ClientSession } from './session';
import { monotonicMs } from './watchdogs';

type JoinMessage = Extract<ClientMessage, { type: 'join' }>;
type KickReason = Extract<ServerMessage, { type: 'kicked' }>['reason'];
type LeftReason = Extract<ServerMessage, { type: 'user-left' }>['reason'];

/** Collaborators of {@link Membership}. */
export interface MembershipOptions {
  timing: LabTiming;
  /** HMAC secret, or null for auth "none" (tokens ignored, everyone is a host). */
  secret: string | null;
  registry: ChannelRegistry;
  media: MediaPlane;
  events: ServerEventHub;
  /** Where refused joins go (sampled, so a flood of bad joins cannot flood the log). */
  inputErrors: InputErrorSampler;
}

/** A member as `ChannelServer.members()` reports it. */
export interface MemberInfo {
  uid: number;
  published: MediaKind[];
  connected: boolean;
}

/** Applies the channel rules; one per server. */
export class Membership implements MemberHooks {
  private readonly admission: Admission;
  private readonly bySession = new Map<ClientSession, Member>();
  private readonly auth: Authenticator;
  private readonly publishing: Publishing;
  private readonly timings: MemberTimings;

  constructor(private readonly opts: MembershipOptions) {
    this.auth = new Authenticator(opts.secret);
    this.admission = new Admission(this.auth, opts.registry);
    this.publishing = new Publishing(opts.media, opts.events, (from, message) =>
      this.broadcast(from, message),
    );
    const { timing } = opts;
    this.timings = {
      heartbeatTimeoutMs: scaled(timing, timing.heartbeatTimeoutMs),
      mediaTimeoutMs: scaled(timing, timing.mediaTimeoutMs),
      tokenWarningMs: scaled(timing, timing.tokenWarningMs),
    };
  }

  /** The member bound to a socket, if it has joined. */
  memberOf(session: ClientSession): Member | undefined {
    return this.bySession.get(session);
  }

  /** Another visible member of `member`'s channel (a subscription target), if present. */
  peer(member: Member, uid: number): Member | undefined {
    const peer = this.registry.get(member.channel, uid);
    return peer && peer !== member && peer.visible ? peer : undefined;
  }

  /** While false, joins are refused with SERVER_ERROR (existing members are unaffected). */
  setAccepting(accepting: boolean): void {
    this.admission.accepting = accepting;
    this.emit({
      type: 'log',
      level: 'info',
      message: `joins ${accepting ? 'accepted' : 'refused (SERVER_ERROR)'}`,
    });
  }

  /** Handles `join`: refusals, resume, same-UID login, fresh membership. */
  join(session: ClientSession, msg: JoinMessage): void {
    const { channel, uid, id } = msg;
    if (this.bySession.has(session)) {
      session.sendError('BAD_REQUEST', 'this socket has already joined; send leave first', id);
      return;
    }
    const auth = this.admission.decide(channel, uid, msg.token);
    if (!auth.ok) {
      session.sendError(auth.code, auth.message, id);
      if (auth.closeSocket) session.close(CloseCode.AUTH_FAILED, auth.code);
      this.opts.inputErrors.report(session.source, auth.code, {
        type: 'refused',
        level: auth.closeSocket ? 'warn' : 'info',
        code: auth.code,
        channel,
        uid,
        message: `join ${channel}/${uid} refused: ${auth.message}${auth.closeSocket ? ' (closed 4001)' : ''}`,
      });
      return;
    }

    const existing = this.registry.get(channel, uid);
    if (existing && msg.resume !== undefined && msg.resume === existing.resume) {
      this.rebind(existing, session, msg, auth.expMs);
      return;
    }
    if (existing) this.replace(existing);
    const member = new Member(channel, uid, auth.role, this.timings, this);
    this.registry.add(member);
    this.bind(member, session, msg.token, auth.expMs);
    session.send(this.joined(member, false, id));
    // A newer login replacing a visible member: to the others the UID never left.
    const alreadyVisible = existing?.visible ?? false;
    if (member.visible && !alreadyVisible) this.broadcast(member, { type: 'user-joined', uid });
    this.opts.media.sessionStarted(member, 'fresh');
    this.emit({
      type: 'member',
      event: 'joined',
      level: 'info',
      channel,
      uid,
      message: `${channel}/${uid} joined${msg.resume !== undefined ? ' (resume of a removed membership)' : ''}`,
    });
  }

  /** Handles `leave`: others get `user-left` Quit; the socket stays open, unjoined. */
  leave(member: Member): void {
    this.remove(member, 'Quit', 'left');
  }

  /** The socket closed: the membership stays until the heartbeat timeout. */
  sessionClosed(session: ClientSession): void {
    const member = this.bySession.get(session);
    if (!member) return;
    this.bySession.delete(session);
    if (member.session !== session) return;
    member.session = null;
    this.emit({
      type: 'member',
      event: 'disconnected',
      level: 'info',
      channel: member.channel,
      uid: member.uid,
      message: `${member.channel}/${member.uid} socket closed without leave; kept until heartbeat timeout`,
    });
  }

  /** Handles `publish` (see {@link Publishing}). */
  publish(member: Member, kinds: MediaKind[], id?: string): void {
    this.publishing.publish(member, kinds, id);
  }

  /** Handles `unpublish` (see {@link Publishing}). */
  unpublish(member: Member, kinds: MediaKind[]): void {
    this.publishing.unpublish(member, kinds);
  }

  /** An RTP packet arrived (see {@link Publishing.rtpSeen}). */
  rtpSeen(member: Member, kind: MediaKind): void {
    if (this.registry.get(member.channel, member.uid) === member) this.publishing.rtpSeen(member, kind);
  }

  /** Handles `renew-token`: verifies it (same channel and UID) and re-arms the timers. */
  renewToken(member: Member, token: string, id?: string): void {
    if (!this.auth.enabled) return;
    const check = this.auth.check(member.channel, member.uid, token);
    if (!check.ok) {
      member.session?.sendError(check.code, check.message, id);
      this.emit({
        type: 'protocol-error',
        level: 'warn',
        code: check.code,
        closed: false,
        channel: member.channel,
        uid: member.uid,
        message: `renew-token refused: ${check.message}`,
      });
      return;
    }
    member.token = token;
    if (check.expMs !== null) member.setTokenExpiry(check.expMs);
    this.emit({ type: 'log', level: 'info', message: `${member.channel}/${member.uid} renewed its token` });
  }

  /** Kicks a UID (UID_BANNED, close 4002) and refuses its later joins. */
  banUid(channel: string, uid: number): void {
    this.registry.banUid(channel, uid);
    const member = this.registry.get(channel, uid);
    if (member) this.kick(member, 'UID_BANNED');
    this.emit({ type: 'log', level: 'info', message: `uid ${uid} banned from ${channel}` });
  }

  /** Kicks everyone in a channel (CHANNEL_BANNED) and refuses later joins. */
  banChannel(channel: string): void {
    this.registry.banChannel(channel);
    for (const member of this.registry.inChannel(channel)) this.kick(member, 'CHANNEL_BANNED');
    this.emit({ type: 'log', level: 'info', message: `channel ${channel} banned` });
  }

  /** Kicks a member now with TOKEN_EXPIRE; the token it used is refused from now on. */
  expireToken(channel: string, uid: number): void {
    const member = this.registry.get(channel, uid);
    if (!member) {
      this.emit({ type: 'log', level: 'warn', message: `expire-token: no member ${channel}/${uid}` });
      return;
    }
    this.auth.expire(channel, uid, member.token ?? '');
    this.kick(member, 'TOKEN_EXPIRE');
  }

  /** Members of a channel with what others see them publish. */
  members(channel: string): MemberInfo[] {
    return this.registry
      .inChannel(channel)
      .map((m) => ({ uid: m.uid, published: m.published(), connected: m.session !== null }));
  }

  /** Members of every channel, and sockets bound to one (leak checks, diagnostics). */
  counts(): { members: number; boundSessions: number } {
    return { members: this.registry.all().length, boundSessions: this.bySession.size };
  }

  /** Stops every member's timers (server shutdown; sockets are closed by the server). */
  disposeAll(): void {
    for (const member of this.registry.all()) {
      member.dispose();
      this.registry.remove(member);
    }
    this.bySession.clear();
  }

  // MemberHooks — timers firing.

  /** No message for heartbeatTimeoutMs: removed; others get `user-left` ServerTimeOut. */
  heartbeatTimeout(member: Member): void {
    this.remove(member, 'ServerTimeOut', 'heartbeat timeout');
  }

  /** No RTP for mediaTimeoutMs (see {@link Publishing.mediaTimeout}). */
  mediaTimeout(member: Member, kind: MediaKind): void {
    this.publishing.mediaTimeout(member, kind);
  }

  /** The token expires soon: tell the client. */
  tokenWillExpire(member: Member, inMs: number): void {
    member.session?.send({ type: 'token-will-expire', inMs: Math.round(inMs) });
    this.emit({
      type: 'log',
      level: 'info',
      message: `${member.channel}/${member.uid} token expires in ${Math.round(inMs)} ms`,
    });
  }

  /** The token expired without renewal: kick TOKEN_EXPIRE. */
  tokenExpired(member: Member): void {
    this.kick(member, 'TOKEN_EXPIRE');
  }

  // Internals.

  private get registry(): ChannelRegistry {
    return this.opts.registry;
  }

  private bind(member: Member, session: ClientSession, token: string, expMs: number | null): void {
    member.session = session;
    member.touch();
    this.bySession.set(session, member);
    member.token = token;
    if (expMs !== null) member.setTokenExpiry(expMs);
  }

  private rebind(member: Member, session: ClientSession, msg: JoinMessage, expMs: number | null): void {
    const old = member.session;
    if (old && old !== session) {
      this.bySession.delete(old);
      old.close(CloseCode.REPLACED, 'membership resumed on a newer connection');
    }
    this.bind(member, session, msg.token, expMs);
    session.send(this.joined(member, true, msg.id));
    this.opts.media.sessionStarted(member, 'resumed');
    this.emit({
      type: 'member',
      event: 'resumed',
      level: 'info',
      channel: member.channel,
      uid: member.uid,
      message: `${member.channel}/${member.uid} resumed its membership`,
    });
  }

  /**
   * A second login of a present UID without its resume: the older socket is kicked
   * (SAME_UID_LOGIN, close 4003) and its membership ends without `user-left` (the UID stays
   * present); others see its published kinds go (`user-unpublished` reason `unpublish`).
   */
  private replace(old: Member): void {
    const session = old.session;
    if (session) {
      session.send({ type: 'kicked', reason: 'SAME_UID_LOGIN' });
      session.close(CloseCode.REPLACED, 'SAME_UID_LOGIN');
      this.bySession.delete(session);
      old.session = null;
    }
    this.publishing.withdrawAll(old);
    old.dispose();
    this.registry.remove(old);
    this.opts.media.removeMember(old);
    this.emit({
      type: 'kicked',
      level: 'info',
      channel: old.channel,
      uid: old.uid,
      reason: 'SAME_UID_LOGIN',
      message: `${old.channel}/${old.uid} replaced by a newer login (SAME_UID_LOGIN)`,
    });
  }

  private kick(member: Member, reason: KickReason): void {
    const session = member.session;
    if (session) {
      session.send({ type: 'kicked', reason });
      session.close(CloseCode.KICKED, reason);
    }
    this.emit({
      type: 'kicked',
      level: 'info',
      channel: member.channel,
      uid: member.uid,
      reason,
      message: `${member.channel}/${member.uid} kicked (${reason})`,
    });
    this.remove(member, 'Quit', `kicked ${reason}`);
  }

  private remove(member: Member, reason: LeftReason, why: string): void {
    if (this.registry.get(member.channel, member.uid) !== member) return;
    member.dispose();
    this.registry.remove(member);
    if (member.session) {
      this.bySession.delete(member.session);
      // The socket, now unjoined, gets a full join deadline from here (it may still rejoin),
      // rather than being closed by a deadline that raced the heartbeat watchdog.
      member.session.unjoinedSince = monotonicMs();
    }
    member.session = null;
    this.opts.media.removeMember(member);
    if (member.visible) this.broadcast(member, { type: 'user-left', uid: member.uid, reason });
    this.emit({
      type: 'member',
      event: 'left',
      level: 'info',
      channel: member.channel,
      uid: member.uid,
      reason,
      message: `${member.channel}/${member.uid} removed (${why}); others told user-left ${reason}`,
    });
  }

  /** Sends to every other member of the channel that has a socket (serialized once). */
  private broadcast(from: Member, message: ServerMessage): void {
    let text: string | undefined;
    for (const other of this.registry.inChannel(from.channel)) {
      if (other === from || !other.session?.open) continue;
      text ??= JSON.stringify(message);
      other.session.sendEncoded(text);
    }
  }

  private joined(member: Member, resumed: boolean, id?: string): ServerMessage {
    const { timing } = this.opts;
    return {
      type: 'joined',
      ...(id === undefined ? {} : { id }),
      uid: member.uid,
      resume: member.resume,
      resumed,
      members: this.registry
        .inChannel(member.channel)
        .filter((m) => m !== member && m.visible)
        .map((m) => ({ uid: m.uid, published: m.published() })),
      config: {
        heartbeatIntervalMs: timing.heartbeatIntervalMs,
        heartbeatTimeoutMs: timing.heartbeatTimeoutMs,
        mediaTimeoutMs: timing.mediaTimeoutMs,
        timeScale: timing.timeScale,
      },
    };
  }

  private emit(event: ServerEvent): void {
    this.opts.events.emit(event);
  }
}
