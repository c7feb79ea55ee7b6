/**
 * The channel server in-process: a WebSocket endpoint at `/v1/channel` speaking protocol v1
 * (docs/PROTOCOL.md), the channel rules ({@link Membership}), and the SFU (media plane).
 * The lab runs it in its own process through `ServerProcess`; tests run it in-process.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { scaled, type LabTiming } from '../../shared/model/config';
import { CloseCode, MAX_FRAME_BYTES, PROTOCOL_PATH, type MediaKind } from '../../shared/protocol/messages';
import { ServerEventHub, type ServerEvent, type ServerLogLevel } from './events';
import { NullMediaPlane, type MediaPlane, type MediaPlaneHooks, type MediaPlaneStats } from './media-plane';
import { ChannelRegistry } from './members';
import { Membership, type MemberInfo } from './membership';
import { ClientSession, parseFrame } from './session';
import { Signaling } from './signaling';
import { DeadlineTimer, monotonicMs } from './watchdogs';

/** Options of {@link ChannelServer}. */
export interface ChannelServerOptions {
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /** HMAC secret for tokens, or null for auth "none" (local tests only; logged as a warning). */
  secret: string | null;
  timing: LabTiming;
  /** Log sink; every {@link ServerEvent} is also logged here. */
  log?: (level: ServerLogLevel, msg: string) => void;
  /**
   * Builds the media plane. Default: none (signaling only). `sfuFactory()` (sfu/sfu.ts) builds
   * the werift SFU; `server-main` and the standalone server pass it.
   */
  media?: (hooks: MediaPlaneHooks, events: ServerEventHub) => MediaPlane;
}

/**
 * Frames up to this size reach our own check (which closes 4000 above 64 KiB); `ws` refuses
 * anything larger before buffering it (close 1009). Protects memory against huge frames.
 */
const WS_MAX_PAYLOAD = 16 * MAX_FRAME_BYTES;

/** How long `close()` waits for clients to answer the 4004 close before dropping them. */
const CLOSE_GRACE_MS = 500;

/** Live bookkeeping of a {@link ChannelServer}: all zero once every client left and went away. */
export interface ChannelServerStats {
  /** Open WebSocket sessions. */
  sessions: number;
  /** Idle-socket timers (one per open session). */
  idleTimers: number;
  /** Memberships in every channel. */
  members: number;
  /** Sockets bound to a membership. */
  boundSessions: number;
  /** The media plane's counts. */
  media: MediaPlaneStats;
}

/** A channel server bound to one port; `start()` then `close()`. */
export class ChannelServer {
  private readonly events = new ServerEventHub();
  private readonly registry = new ChannelRegistry();
  private readonly media: MediaPlane;
  private readonly membership: Membership;
  private readonly signaling: Signaling;
  private readonly sessions = new Set<ClientSession>();
  private readonly idleTimers = new Map<ClientSession, DeadlineTimer>();
  private http: Server | null = null;
  private wss: WebSocketServer | null = null;
  private closing: Promise<void> | null = null;

  constructor(private readonly opts: ChannelServerOptions) {
    if (opts.log) {
      const log = opts.log;
      this.events.on((event) => log(event.level, event.message));
    }
    const hooks: MediaPlaneHooks = {
      send: (member, message) => member.session?.send(message),
      rtp: (member, kind) => this.membership.rtpSeen(member, kind),
    };
    this.media = opts.media ? opts.media(hooks, this.events) : new NullMediaPlane();
    this.membership = new Membership({
      timing: opts.timing,
      secret: opts.secret,
      registry: this.registry,
      media: this.media,
      events: this.events,
    });
    this.signaling = new Signaling(this.membership, this.media, this.events);
  }

  /** Listens; resolves with the bound port and the protocol URL. Rejects on EADDRINUSE etc. */
  async start(): Promise<{ port: number; url: string }> {
    if (this.http) throw new Error('ChannelServer already started');
    const host = this.opts.host ?? '127.0.0.1';
    const http = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end(`WebSocket only, at ${PROTOCOL_PATH}\n`);
    });
    const wss = new WebSocketServer({ server: http, path: PROTOCOL_PATH, maxPayload: WS_MAX_PAYLOAD });
    wss.on('connection', (socket, request) => this.accept(socket, request));
    wss.on('error', (error) =>
      this.emit({ type: 'log', level: 'error', message: `ws server error: ${error.message}` }),
    );
    this.http = http;
    this.wss = wss;
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.opts.port ?? 0, host, () => {
        http.off('error', reject);
        resolve();
      });
    }).catch((error: unknown) => {
      wss.close();
      this.http = this.wss = null;
      throw error;
    });
    http.on('error', (error) =>
      this.emit({ type: 'log', level: 'error', message: `http error: ${error.message}` }),
    );
    const port = (http.address() as AddressInfo).port;
    const url = `ws://${host.includes(':') ? `[${host}]` : host}:${port}${PROTOCOL_PATH}`;
    if (this.opts.secret === null) {
      this.emit({
        type: 'log',
        level: 'warn',
        message: 'auth "none": tokens are NOT checked — local tests only',
      });
    }
    this.emit({ type: 'listening', level: 'info', port, url, message: `channel server listening on ${url}` });
    return { port, url };
  }

  /** Sends close 4004 to every socket and stops all timers, peer connections and listeners. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /** Kicks a UID (UID_BANNED, close 4002) and refuses its later joins. */
  banUid(channel: string, uid: number): void {
    this.membership.banUid(channel, uid);
  }

  /** Kicks every member of a channel (CHANNEL_BANNED, close 4002) and refuses later joins. */
  banChannel(channel: string): void {
    this.membership.banChannel(channel);
  }

  /** Kicks a member now with TOKEN_EXPIRE; its current token is refused from then on. */
  expireToken(channel: string, uid: number): void {
    this.membership.expireToken(channel, uid);
  }

  /** While false, joins are refused with SERVER_ERROR. */
  setAcceptingJoins(accepting: boolean): void {
    this.membership.setAccepting(accepting);
  }

  /** Members of a channel: what others see published, and whether a socket is bound. */
  members(channel: string): Array<{ uid: number; published: MediaKind[]; connected: boolean }> {
    return this.membership.members(channel) satisfies MemberInfo[];
  }

  /** Counts of live sessions, timers, members and media state (leak checks, diagnostics). */
  stats(): ChannelServerStats {
    return {
      sessions: this.sessions.size,
      idleTimers: this.idleTimers.size,
      ...this.membership.counts(),
      media: this.media.stats(),
    };
  }

  /** Subscribes to server events (see {@link ServerEvent}); returns the unsubscribe function. */
  onEvent(listener: (event: ServerEvent) => void): () => void {
    return this.events.on(listener);
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    if (this.closing) {
      socket.close(CloseCode.SHUTTING_DOWN, 'server shutting down');
      return;
    }
    const remote = `${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? '?'}`;
    const session = new ClientSession(socket, remote);
    this.sessions.add(session);
    this.watchIdle(session);
    socket.on('message', (data, isBinary) => {
      const frame = parseFrame(data, isBinary);
      if (frame.kind === 'protocol-error') {
        this.protocolError(session, frame.message);
        return;
      }
      session.lastMessageAt = monotonicMs();
      if (frame.kind === 'bad-request') {
        session.sendError('BAD_REQUEST', frame.message, frame.id);
        this.emitInputError(session, 'BAD_REQUEST', frame.message, false);
        return;
      }
      try {
        this.signaling.handle(session, frame.message);
      } catch (error) {
        session.sendError('SERVER_ERROR', 'internal error', frame.message.id);
        this.emit({
          type: 'log',
          level: 'error',
          message: `handling ${frame.message.type}: ${String(error)}`,
        });
      }
    });
    socket.on('error', (error) => {
      // ws reports oversize frames (close 1009) and broken frames here; the socket then closes.
      this.emitInputError(session, 'PROTOCOL_ERROR', error.message, true);
    });
    socket.on('close', () => {
      this.sessions.delete(session);
      this.clearIdle(session);
      this.membership.sessionClosed(session);
    });
  }

  /**
   * A socket that is not joined (never joined, left, or whose membership timed out) and has
   * been silent for heartbeatTimeoutMs is closed, so that idle probes do not pile up. Joined
   * sockets are left to the heartbeat watchdog.
   */
  private watchIdle(session: ClientSession): void {
    const { timing } = this.opts;
    const timer = new DeadlineTimer(
      scaled(timing, timing.heartbeatTimeoutMs),
      () => session.lastMessageAt,
      () => {
        if (!this.membership.memberOf(session)) {
          this.idleTimers.delete(session);
          session.close(1000, 'idle without join');
          return;
        }
        session.lastMessageAt = monotonicMs();
        timer.start();
      },
    );
    this.idleTimers.set(session, timer);
    timer.start();
  }

  private clearIdle(session: ClientSession): void {
    this.idleTimers.get(session)?.stop();
    this.idleTimers.delete(session);
  }

  private protocolError(session: ClientSession, message: string): void {
    this.emitInputError(session, 'PROTOCOL_ERROR', message, true);
    session.protocolError(message);
  }

  private emitInputError(session: ClientSession, code: string, message: string, closed: boolean): void {
    const member = this.membership.memberOf(session);
    const who = member ? `${member.channel}/${member.uid}` : session.remote;
    this.emit({
      type: 'protocol-error',
      level: 'warn',
      code,
      closed,
      ...(member ? { channel: member.channel, uid: member.uid } : {}),
      message: `${code} from ${who}: ${message}${closed ? ' (closed 4000)' : ''}`,
    });
  }

  private async shutdown(): Promise<void> {
    for (const timer of this.idleTimers.values()) timer.stop();
    this.idleTimers.clear();
    for (const session of this.sessions) session.close(CloseCode.SHUTTING_DOWN, 'server shutting down');
    this.membership.disposeAll();
    await this.media.close().catch(() => undefined);
    const { wss, http } = this;
    if (wss) {
      // Give clients a moment to complete the close handshake (so 4004 reaches them), then cut.
      const deadline = Date.now() + CLOSE_GRACE_MS;
      while (this.sessions.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
    if (http) {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
    this.emit({ type: 'log', level: 'info', message: 'channel server closed' });
    this.events.clear();
  }

  private emit(event: ServerEvent): void {
    this.events.emit(event);
  }
}
