/**
 * Browser mode: the built renderer over HTTP on loopback and the IPC contract over one
 * WebSocket (`/ipc`), both behind a random token, both answered by the same dispatcher and
 * service as the desktop app. Refuses a wrong or missing token, a foreign `Origin` and a
 * foreign `Host` (DNS rebinding).
 *
 * The token itself is only ever in the page's URL and the `/ipc` handshake. Browsers send a
 * cookie to every port of a host, so the cookie that lets the page load its assets holds a value
 * derived from the token ({@link staticFilesCookie}), good for static files and nothing else: a
 * local service on another port that sees it cannot open the IPC socket with it.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { MAX_WIRE_FRAME_BYTES, WIRE_PATH, WireRequestSchema, type WireResponse } from '../shared/ipc/wire';
import type { Dispatch } from '../app';
import type { ServiceEvents } from '../app';
import { securityHeaders, serveStatic } from './static-files';

/** Options of {@link BrowserModeServer.start}. */
export interface BrowserModeOptions {
  /** Answers invokes (see `createDispatcher`). */
  dispatch: Dispatch;
  /** Events to forward to every connected page. */
  events: ServiceEvents;
  /** The built renderer (`out/renderer`). */
  root: string;
  /** Interface to listen on (default 127.0.0.1); not loopback only with `allowRemote`. */
  host?: string;
  /** Port (default 0: a free one). */
  port?: number;
  /** The access token (default: 32 random bytes, base64url). */
  token?: string;
  /** Permit a non-loopback `host` (the token is then all that guards the lab). */
  allowRemote?: boolean;
}

/** What the static-files cookie's value is derived under (changing it invalidates old cookies). */
const COOKIE_LABEL = 'faultline browser mode: static files v1';

/**
 * The static-files cookie of a server with `token` on `port`: name `faultline_static_<port>` (so
 * instances on different ports never overwrite each other's), value HMAC-SHA256 of a fixed label
 * under the token, base64url. The token cannot be recovered from it.
 */
export function staticFilesCookie(token: string, port: number): { name: string; value: string } {
  return {
    name: `faultline_static_${port}`,
    value: createHmac('sha256', token).update(COOKIE_LABEL).digest('base64url'),
  };
}
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** True for the loopback names and addresses. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(req: IncomingMessage, wanted: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === wanted) return value.join('=');
  }
  return null;
}

/** The HTTP + WebSocket server of browser mode. Always {@link BrowserModeServer.dispose}. */
export class BrowserModeServer {
  private readonly sockets = new Set<WebSocket>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WIRE_FRAME_BYTES });
  private readonly stopEvents: () => void;
  private port = 0;
  private closed: Promise<void> | null = null;

  private constructor(
    private readonly http: Server,
    private readonly options: Required<Omit<BrowserModeOptions, 'allowRemote'>> & { allowRemote: boolean },
  ) {
    http.on('request', (req, res) => void this.onRequest(req, res));
    http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.stopEvents = options.events.onAny((channel, payload) => {
      const frame = JSON.stringify({ kind: 'event', channel, payload } satisfies WireResponse);
      for (const ws of this.sockets) if (ws.readyState === WebSocket.OPEN) ws.send(frame);
    });
  }

  /** Listens and resolves once the port is known. */
  static async start(options: BrowserModeOptions): Promise<BrowserModeServer> {
    const host = options.host ?? '127.0.0.1';
    if (!isLoopback(host) && !options.allowRemote)
      throw new Error(
        `refusing to listen on ${host}: browser mode is loopback-only unless --allow-remote is given`,
      );
    const server = new BrowserModeServer(createServer(), {
      ...options,
      host,
      port: options.port ?? 0,
      token: options.token ?? randomBytes(32).toString('base64url'),
      allowRemote: options.allowRemote ?? false,
    });
    await new Promise<void>((resolve, reject) => {
      server.http.once('error', reject);
      server.http.listen(server.options.port, host, () => {
        server.http.off('error', reject);
        resolve();
      });
    });
    server.port = (server.http.address() as AddressInfo).port;
    return server;
  }

  /** The origin the page is served from (`http://127.0.0.1:PORT`). */
  get origin(): string {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${this.port}`;
  }

  /** The page's URL, token included: what a person opens. */
  get url(): string {
    return `${this.origin}/?token=${encodeURIComponent(this.options.token)}`;
  }

  /** The port listened on. */
  get listenPort(): number {
    return this.port;
  }

  /** Pages connected now. */
  get connections(): number {
    return this.sockets.size;
  }

  /** Closes every socket and the listener. Idempotent. */
  dispose(): Promise<void> {
    this.closed ??= (async () => {
      this.stopEvents();
      for (const ws of this.sockets) ws.terminate();
      this.sockets.clear();
      this.wss.close();
      this.http.closeAllConnections();
      await new Promise<void>((resolve) => this.http.close(() => resolve()));
    })();
    return this.closed;
  }

  /** The origin a request may come from: its own Host, when that Host is one we serve. */
  private ownOrigin(req: IncomingMessage): string | null {
    const host = req.headers.host ?? '';
    const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(host);
    if (!match || Number(match[2]) !== this.port) return null;
    const name = match[1]!.replace(/^\[|\]$/g, '');
    if (!this.options.allowRemote && !isLoopback(name)) return null;
    return `http://${host}`;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = this.ownOrigin(req);
    const headers = securityHeaders(origin ?? this.origin);
    const refuse = (status: number, text: string): void => {
      res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`${text}\n`);
    };
    try {
      if (!origin) return refuse(421, 'Misdirected request: unknown Host');
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(405, 'Method not allowed');
      const url = new URL(req.url ?? '/', origin);
      const queryToken = url.searchParams.get('token');
      const cookie = staticFilesCookie(this.options.token, this.port);
      const allowed =
        queryToken !== null
          ? sameToken(queryToken, this.options.token)
          : sameToken(cookieValue(req, cookie.name), cookie.value);
      if (!allowed)
        return refuse(401, 'Unauthorized: open the URL printed by `npm run web` (it carries the token).');
      if (queryToken !== null) {
        headers['Set-Cookie'] = `${cookie.name}=${cookie.value}; Path=/; HttpOnly; SameSite=Strict`;
      }
      await serveStatic(res, this.options.root, url.pathname, headers, req.method === 'HEAD');
    } catch {
      if (!res.headersSent) refuse(500, 'Internal error');
      else res.destroy();
    }
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const deny = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const origin = this.ownOrigin(req);
    if (!origin) return deny(421, 'Misdirected Request');
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname !== WIRE_PATH) return deny(404, 'Not Found');
    if (!sameToken(url.searchParams.get('token'), this.options.token)) return deny(401, 'Unauthorized');
    if (req.headers.origin !== origin) return deny(403, 'Forbidden');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws));
  }

  private attach(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'text frames only');
      void this.answer(ws, data.toString());
    });
  }

  private async answer(ws: WebSocket, text: string): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return ws.close(1007, 'not JSON');
    }
    const request = WireRequestSchema.safeParse(raw);
    if (!request.success) {
      const id = (raw as { id?: unknown })?.id;
      if (typeof id !== 'number' || !Number.isInteger(id)) return ws.close(1008, 'not an invoke frame');
      return this.send(ws, {
        kind: 'result',
        id,
        ok: false,
        error: { name: 'ValidationError', message: 'not an invoke frame', code: 'BAD_REQUEST' },
      });
    }
    const { id, channel, payload } = request.data;
    const envelope = await this.options.dispatch(channel, payload);
    this.send(ws, { kind: 'result', id, ...envelope } as WireResponse);
  }

  private send(ws: WebSocket, frame: WireResponse): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  }
}
