/**
 * The channel server in-process: a WebSocket endpoint at `/v1/channel` speaking protocol v1
 * (docs/PROTOCOL.md), the channel rules ({@link Membership}), and the SFU (media plane).
 * The lab runs it in its own process through `ServerProcess`; tests run it in-process.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { LabTiming } from '../../shared/model/config';
import { CloseCode, MAX_FRAME_BYTES, PROTOCOL_PATH, type MediaKind } from '../../shared/protocol/messages';
import { ServerEventHub, type ServerEvent, type ServerLogLevel } from './events';
import { FrameIntake, type FrameCounts } from './frame-intake';
import { InputErrorSampler } from './input-errors';
import { resolveLimits, type ChannelLimits, type ChannelLimitsInput } from './limits';
import { NullMediaPlane, type MediaPlane, type MediaPlaneHooks, type MediaPlaneStats } from './media-plane';
import { ChannelRegistry } from './members';
import { Membership, type MemberInfo } from './membership';
import { ClientSession } from './session';
import { Signaling } from './signaling';
import { UpgradeGate, remoteAddress } from './upgrade-gate';
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
  /** Limits on what a network may send (join deadline, rates, sockets, origins); see limits.ts. */
  limits?: ChannelLimitsInput;
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
  /** Join-deadline timers (one per open session). */
  joinDeadlines: number;
  /** Remote addresses holding at least one socket or handshake. */
  addresses: number;
  /** Input-error sources counted in the current sampling window. */
  pendingInputErrors: number;
  /** Frames received, handled and dropped since the start. */
  frames: FrameCounts;
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
  private readonly joinDeadlines = new Map<ClientSession, DeadlineTimer>();
  private readonly limits: ChannelLimits;
  private readonly inputErrors: InputErrorSampler;
  private readonly gate: UpgradeGate;
  private readonly intake: FrameIntake;
  private http: Server | null = null;
  private wss: WebSocketServer | null = null;
  private closing: Promise<void> | null = null;

  /** Throws on bad `limits` (naming the field). */
  constructor(private readonly opts: ChannelServerOptions) {
    this.limits = resolveLimits(opts.timing, opts.limits);
    this.inputErrors = new InputErrorSampler(this.events, this.limits.errorEventsPerSecond);
    this.gate = new UpgradeGate(this.limits, () => this.closing !== null);
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
      inputErrors: this.inputErrors,
    });
    this.signaling = new Signaling(this.membership, this.media, this.events, this.inputErrors);
    this.intake = new FrameIntake({
      limits: this.limits,
      inputErrors: this.inputErrors,
      signaling: this.signaling,
      membership: this.membership,
      closing: () => this.closing !== null,
      emit: (event) => this.emit(event),
    });
  }

  /** Listens; resolves with the bound port and the protocol URL. Rejects on EADDRINUSE etc. */
  async start(): Promise<{ port: number; url: string }> {
    if (this.http) throw new Error('ChannelServer already started');
    const host = this.opts.host ?? '127.0.0.1';
    const http = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end(`WebSocket only, at ${PROTOCOL_PATH}\n`);
    });
    // One message per socket per tick (allowSynchronousEvents off): a socket that sends a burst
    // cannot hold the loop for its whole TCP read while other members' heartbeats wait.
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: WS_MAX_PAYLOAD,
      allowSynchronousEvents: false,
    });
    http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(wss, request, socket, head),
    );
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
      joinDeadlines: this.joinDeadlines.size,
      addresses: this.gate.addresses,
      pendingInputErrors: this.inputErrors.pending,
      frames: { ...this.intake.counts },
      ...this.membership.counts(),
      media: this.media.stats(),
    };
  }

  /** Subscribes to server events (see {@link ServerEvent}); returns the unsubscribe function. */
  onEvent(listener: (event: ServerEvent) => void): () => void {
    return this.events.on(listener);
  }

  /** Lets the gate decide on an HTTP upgrade; an admitted one becomes a session. */
  private upgrade(wss: WebSocketServer, request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const refusal = this.gate.admit(request, socket);
    if (refusal) {
      this.inputErrors.report({ key: `address:${refusal.address}`, label: refusal.address }, refusal.code, {
        type: 'refused',
        level: refusal.code === 'BAD_PATH' ? 'info' : 'warn',
        code: refusal.code,
        message: `handshake from ${refusal.address} refused (HTTP ${refusal.status}): ${refusal.message}`,
      });
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, request));
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    if (this.closing) {
      socket.close(CloseCode.SHUTTING_DOWN, 'server shutting down');
      return;
    }
    const remote = `${remoteAddress(request)}:${request.socket.remotePort ?? '?'}`;
    const session = new ClientSession(socket, remote);
    this.sessions.add(session);
    this.watchJoinDeadline(session);
    this.intake.attach(session, socket);
    socket.on('close', () => {
      this.sessions.delete(session);
      this.clearJoinDeadline(session);
      this.membership.sessionClosed(session);
    });
  }

  /**
   * A socket that stays unjoined (never joined, left, or whose membership timed out) for
   * `limits.joinDeadlineMs` is closed (1000), whatever it sends meanwhile, so that probes and
   * floods that never join do not pile up. While joined, the heartbeat watchdog governs it.
   */
  private watchJoinDeadline(session: ClientSession): void {
    const timer = new DeadlineTimer(
      this.limits.joinDeadlineMs,
      () => session.unjoinedSince,
      () => {
        if (!this.membership.memberOf(session)) {
          this.joinDeadlines.delete(session);
          session.close(1000, 'no join before the deadline');
          return;
        }
        session.unjoinedSince = monotonicMs();
        timer.start();
      },
    );
    this.joinDeadlines.set(session, timer);
    timer.start();
  }

  private clearJoinDeadline(session: ClientSession): void {
    this.joinDeadlines.get(session)?.stop();
    this.joinDeadlines.delete(session);
  }

  private async shutdown(): Promise<void> {
    for (const timer of this.joinDeadlines.values()) timer.stop();
    this.joinDeadlines.clear();
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
    this.inputErrors.dispose();
    this.emit({ type: 'log', level: 'info', message: 'channel server closed' });
    this.events.clear();
  }

  private emit(event: ServerEvent): void {
    this.events.emit(event);
  }
}
