/**
 * The checks `lab:start` makes before a lab uses a channel server it did not start: a server
 * that is not on this machine needs the person's explicit confirmation (the dashboard asks, and
 * says so with `allowRemote: true`), and the server must answer a WebSocket handshake before the
 * lab is reported with it up. Messages never carry the URL's user info.
 */
import WebSocket from 'ws';
import { isLoopbackServerUrl, parseServerUrl, withoutUserinfo } from '../../shared/ipc/server-url';
import { serviceError } from './errors';

/** How long the handshake may take before the server counts as unreachable, ms. */
export const PROBE_TIMEOUT_MS = 5000;

/** A remote server as `lab:start` asks for it. */
export interface RemoteServerRequest {
  url: string;
  /** The person confirmed a server that is not on this machine. */
  allowRemote: boolean;
}

/**
 * Refuses a non-loopback URL without `allowRemote` (`REMOTE_NOT_CONFIRMED`), and an URL that
 * is not `ws:`/`wss:` with a host (`BAD_REQUEST`). Connects to nothing.
 */
export function assertRemoteAllowed(request: RemoteServerRequest): void {
  if (parseServerUrl(request.url) === null)
    throw serviceError(
      'BAD_REQUEST',
      `"${withoutUserinfo(request.url).slice(0, 200)}" is not a channel server URL: expected ws://host:port/v1/channel.`,
    );
  if (!request.allowRemote && !isLoopbackServerUrl(request.url))
    throw serviceError(
      'REMOTE_NOT_CONFIRMED',
      `${withoutUserinfo(request.url)} is not on this machine: the lab connects to it only after you confirm ` +
        'it in the dashboard (lab:start with allowRemote: true).',
    );
}

/**
 * Opens one WebSocket to the server and closes it as soon as the handshake succeeds; rejects
 * with `SERVER_UNREACHABLE` (refused, no answer within `timeoutMs`, or an HTTP answer that is no
 * WebSocket upgrade), naming the URL without its user info.
 */
export function probeServer(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<void> {
  const shown = withoutUserinfo(url);
  const unreachable = (why: string): Error =>
    serviceError(
      'SERVER_UNREACHABLE',
      `No channel server answered at ${shown}: ${why}. Check the URL and that the server runs.`,
    );
  return new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs, followRedirects: false });
    let settled = false;
    const settle = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        ws.removeAllListeners('open');
        ws.on('error', () => undefined);
        ws.terminate();
        reject(error);
      } else {
        ws.close(1000, 'probe');
        resolve();
      }
    };
    const timer = setTimeout(() => settle(unreachable(`no answer within ${timeoutMs} ms`)), timeoutMs);
    ws.once('open', () => settle(null));
    ws.once('unexpected-response', (_req, res) =>
      settle(unreachable(`HTTP ${res.statusCode ?? '?'} instead of a WebSocket upgrade`)),
    );
    ws.once('error', (error: Error & { code?: string }) =>
      settle(unreachable(error.code ? `${error.code} (${withoutUserinfo(error.message)})` : error.message)),
    );
  });
}

/** How often a remote server's handshake is repeated while a lab uses it, ms. */
export const WATCH_INTERVAL_MS = 5000;

/** What a {@link RemoteServerWatch} is told and tells. */
export interface RemoteServerWatchOptions {
  /** Called each time the answer flips (the status should be sent again). */
  onChange: (up: boolean) => void;
  /** Where the watch says, once per flip, that the server stopped or started answering. */
  log: (level: 'info' | 'warn', message: string) => void;
  /** Default {@link WATCH_INTERVAL_MS}. */
  intervalMs?: number;
  /** Default {@link PROBE_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/**
 * Repeats {@link probeServer}'s handshake every `intervalMs` while a lab uses a remote server, so
 * its status says whether the server answers now, not whether it answered when the lab started.
 * Starts up (the start's own handshake succeeded); one probe at a time; reports only when the
 * answer flips. Always {@link RemoteServerWatch.stop}.
 */
export class RemoteServerWatch {
  private answering = true;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly shown: string;

  constructor(
    private readonly url: string,
    private readonly options: RemoteServerWatchOptions,
  ) {
    this.shown = withoutUserinfo(url);
    this.schedule();
  }

  /** Whether the last handshake succeeded. */
  get up(): boolean {
    return this.answering;
  }

  /** Ends the probing (a probe under way finishes without reporting). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.probe(), this.options.intervalMs ?? WATCH_INTERVAL_MS);
    this.timer.unref();
  }

  private async probe(): Promise<void> {
    this.timer = null;
    let why: string | null = null;
    try {
      await probeServer(this.url, this.options.timeoutMs ?? PROBE_TIMEOUT_MS);
    } catch (error) {
      why = error instanceof Error ? error.message : String(error);
    }
    if (this.stopped) return;
    const up = why === null;
    if (up !== this.answering) {
      this.answering = up;
      if (up) this.options.log('info', `server: ${this.shown} answers a handshake again`);
      else this.options.log('warn', `server: ${this.shown} no longer answers a handshake: ${why}`);
      this.options.onChange(up);
    }
    this.schedule();
  }
}
