/**
 * The signaling half of a client's network path: a TCP proxy on loopback in front of the
 * channel server's WebSocket port. Faults act on it the way a real network would:
 * - blackhole: bytes, FINs and RSTs are held (never forwarded) until cleared; new connections
 *   are accepted by the kernel but not connected upstream (an unanswered SYN), so the server
 *   notices silence through its heartbeat watchdog, never through a socket close;
 * - latency / bandwidth: per-direction delay and rate on the byte stream, order kept (a rate
 *   applies to each connection on its own; a client has one signaling connection);
 * - reset: every open connection is closed abruptly on both sides (RST);
 * - refuse: new connections get an RST at once; open ones are untouched.
 * If the server is down, the client's socket is reset as soon as the upstream connect fails.
 */
import net from 'node:net';
import type { ImpairmentCounters } from './impairment';
import { deriveSeed, mulberry32 } from '../../shared/random';
import { RuleBook } from './rule-book';
import { ProxiedConnection, resetSocket } from './tcp-connection';

/** Options of a {@link TcpProxy}. */
export interface TcpProxyOptions {
  /** Where connections go (the channel server); changeable with `setTarget`. */
  target: { host: string; port: number };
  /** Address to listen on (default 127.0.0.1). */
  bindHost?: string;
  /** Seed for jitter (default 1). */
  seed?: number;
  /** Bytes one direction may hold under a blackhole before the connection is reset (1 MiB). */
  holdCapBytes?: number;
  /** Connections beyond this are reset at accept (default 256). */
  maxConnections?: number;
  /**
   * Multiplier of the emulated SYN retransmission schedule (1 s, 3 s, 7 s, … after the first
   * SYN, as Linux does): a handshake held by a blackhole completes at its next retransmission
   * after the path is back, not at the instant it clears. Pass the lab's timeScale; 0 connects
   * held handshakes at once (default 1).
   */
  synScale?: number;
  log?: (msg: string) => void;
}

/** Totals of a {@link TcpProxy}. */
export interface TcpCounters {
  /** Connections accepted and proxied (or held pending). */
  accepted: number;
  /** Connections reset at accept because `refuse` was active (or the cap was reached). */
  refused: number;
  /** Connections closed by `resetAll`. */
  resets: number;
  /** Open connections, and how many of them wait for a blackhole to clear before connecting. */
  open: number;
  pending: number;
  /** Byte-stream totals, client → server and server → client. */
  up: ImpairmentCounters;
  down: ImpairmentCounters;
}

function emptyCounters(): ImpairmentCounters {
  return {
    packets: 0,
    bytes: 0,
    delivered: 0,
    deliveredBytes: 0,
    dropped: 0,
    droppedBytes: 0,
    held: 0,
    backlogBytes: 0,
  };
}

function addCounters(into: ImpairmentCounters, c: ImpairmentCounters): void {
  for (const k of Object.keys(into) as Array<keyof ImpairmentCounters>) into[k] += c[k];
}

/** See the module comment. Call `listen()` first and `close()` at the end. */
export class TcpProxy {
  /** Rules (blackhole, latency, bandwidth) applied to every connection, present and future. */
  readonly rules = new RuleBook();
  private readonly server: net.Server;
  private readonly conns = new Set<ProxiedConnection>();
  private target: { host: string; port: number };
  private refusing = false;
  private listening = false;
  private closed = false;
  private connSeq = 0;
  private readonly seed: number;
  private readonly done = { up: emptyCounters(), down: emptyCounters() };
  private readonly tallies = { accepted: 0, refused: 0, resets: 0 };
  private readonly log: (msg: string) => void;
  private readonly offRules: () => void;
  private readonly synTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly opts: TcpProxyOptions) {
    this.target = { ...opts.target };
    this.seed = opts.seed ?? 1;
    this.log = opts.log ?? (() => {});
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    this.server.on('error', (err) => this.log(`tcp: server error ${err.message}`));
    this.offRules = this.rules.onChange(() => this.connectPendingIfClear());
  }

  /** Starts listening on `bindHost`:0; resolves with the port. */
  async listen(): Promise<number> {
    if (this.closed) throw new Error('TcpProxy: already closed');
    if (!this.listening) {
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen(0, this.opts.bindHost ?? '127.0.0.1', () => {
          this.server.off('error', reject);
          resolve();
        });
      });
      this.listening = true;
    }
    return this.port;
  }

  /** The listening port (throws before `listen()`). */
  get port(): number {
    const a = this.server.address();
    if (!a || typeof a === 'string') throw new Error('TcpProxy: not listening; call listen() first');
    return a.port;
  }

  /** Where new connections go from now on (open ones keep their upstream). */
  setTarget(host: string, port: number): void {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new RangeError(`TcpProxy.setTarget: port ${port} is not 1-65535`);
    }
    this.target = { host, port };
  }

  /** While true, new connections are reset at accept (server unreachable). */
  setRefusing(on: boolean): void {
    this.refusing = on;
  }

  /** Closes every open connection abruptly on both sides; returns how many. */
  resetAll(): number {
    const all = [...this.conns];
    for (const c of all) c.abort();
    this.tallies.resets += all.length;
    return all.length;
  }

  /** Live totals (closed connections included). */
  counters(): TcpCounters {
    const up = { ...this.done.up };
    const down = { ...this.done.down };
    let pending = 0;
    for (const c of this.conns) {
      const k = c.counters();
      addCounters(up, k.up);
      addCounters(down, k.down);
      if (c.pending) pending += 1;
    }
    return { ...this.tallies, open: this.conns.size, pending, up, down };
  }

  /** Stops listening and resets every connection; resolves when the listener is closed. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.offRules();
    for (const t of this.synTimers) clearTimeout(t);
    this.synTimers.clear();
    for (const c of [...this.conns]) c.abort();
    if (!this.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    socket.on('error', () => {});
    if (this.closed || this.refusing || this.conns.size >= (this.opts.maxConnections ?? 256)) {
      this.tallies.refused += 1;
      resetSocket(socket);
      return;
    }
    this.tallies.accepted += 1;
    const n = ++this.connSeq;
    const conn = new ProxiedConnection(socket, {
      rules: this.rules,
      randomUp: mulberry32(deriveSeed(this.seed, n * 2)),
      randomDown: mulberry32(deriveSeed(this.seed, n * 2 + 1)),
      target: () => this.target,
      holdCapBytes: this.opts.holdCapBytes ?? 1 << 20,
      log: this.log,
      onFinished: (c) => {
        this.conns.delete(c);
        const k = c.counters();
        addCounters(this.done.up, { ...k.up, held: 0, backlogBytes: 0 });
        addCounters(this.done.down, { ...k.down, held: 0, backlogBytes: 0 });
      },
    });
    this.conns.add(conn);
    if (!this.rules.has('blackhole')) conn.connect();
  }

  /**
   * A blackhole in either direction holds new handshakes; once none is left, each completes at
   * its next SYN retransmission — unless the server is being refused by then: a retransmitted
   * SYN meets the refusal (RST) like any new connection.
   */
  private connectPendingIfClear(): void {
    if (this.rules.has('blackhole')) return;
    const now = performance.now();
    for (const c of [...this.conns]) {
      if (!c.pending) continue;
      const wait = nextSynRetransmit(c.since, now, this.opts.synScale ?? 1) - now;
      if (wait <= 0) {
        this.releasePending(c);
        continue;
      }
      const timer = setTimeout(() => {
        this.synTimers.delete(timer);
        if (!this.closed && c.pending && !this.rules.has('blackhole')) this.releasePending(c);
      }, wait);
      this.synTimers.add(timer);
    }
  }

  private releasePending(c: ProxiedConnection): void {
    if (this.refusing) {
      this.tallies.refused += 1;
      c.abort();
    } else {
      c.connect();
    }
  }
}

/**
 * When a SYN first sent at `sentAt` is next retransmitted at or after `now` (Linux: 1 s initial
 * RTO, doubling: +1 s, +3 s, +7 s, …), in the same clock; `now` itself when `scale` is 0.
 */
export function nextSynRetransmit(sentAt: number, now: number, scale: number): number {
  if (scale <= 0) return now;
  let offset = 1000 * scale;
  let rto = 1000 * scale;
  while (sentAt + offset < now) {
    rto *= 2;
    offset += rto;
  }
  return sentAt + offset;
}
