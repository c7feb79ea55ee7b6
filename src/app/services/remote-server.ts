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
