/**
 * `faultline serve`: a channel server on its own, for clients on other machines or a browser.
 * Runs in the calling process (the CLI has nothing else to do). Tokens are checked with a
 * secret from the caller or `FAULTLINE_SECRET`; without one it refuses to start unless auth is
 * explicitly "none", which it announces as insecure.
 */
import { resolveTiming } from '../../shared/model/config';
import { ChannelServer } from './channel-server';
import { sfuFactory } from './sfu/sfu';

/** Options of {@link runStandaloneServer}. */
export interface StandaloneOptions {
  /** Default 4800; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * Token secret; `null` means auth "none" (local tests only). Undefined reads
   * `FAULTLINE_SECRET`, and fails when that is unset too.
   */
  secret?: string | null;
  /** Multiplies every server timer (default 1). */
  timeScale?: number;
  /** Address announced in ICE candidates when `host` is a wildcard (default 127.0.0.1). */
  mediaAddress?: string;
  /** Run the SFU (default true). */
  media?: boolean;
  /**
   * Browser origins allowed to connect (`scheme://host[:port]`); default: any. Clients that send
   * no `Origin` (not browsers) are always let through.
   */
  allowedOrigins?: string[];
  /** Where log lines go (default: stderr). */
  log?: (line: string) => void;
}

/** A running standalone server. */
export interface StandaloneServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Default port of `faultline serve`. */
export const DEFAULT_SERVE_PORT = 4800;

/** Starts a standalone channel server; rejects with a clear message on bad options. */
export async function runStandaloneServer(options: StandaloneOptions = {}): Promise<StandaloneServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const secret =
    options.secret === undefined ? (process.env['FAULTLINE_SECRET'] ?? undefined) : options.secret;
  if (secret === undefined || secret === '') {
    throw new Error(
      'no token secret: pass one (--secret) or set FAULTLINE_SECRET, or use --auth none for local tests',
    );
  }
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0 && timeScale <= 100))
    throw new Error(`time scale must be in (0, 100], got ${timeScale}`);
  const host = options.host ?? '127.0.0.1';
  if (secret === null)
    log('WARNING: auth "none" — tokens are not checked; anyone who reaches this port can join');
  const server = new ChannelServer({
    host,
    port: options.port ?? DEFAULT_SERVE_PORT,
    secret,
    timing: resolveTiming({ timeScale }),
    log: (level, message) => log(`[${level}] ${message}`),
    media: options.media === false ? undefined : sfuFactory({ host, mediaAddress: options.mediaAddress }),
    ...(options.allowedOrigins ? { limits: { allowedOrigins: options.allowedOrigins } } : {}),
  });
  const { port, url } = await server.start();
  return { port, url, close: () => server.close() };
}
