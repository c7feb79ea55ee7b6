/**
 * One proxied TCP connection: a client socket, an upstream socket (created only when the path
 * lets the handshake through), and one stream {@link Impairment} per direction. Data, FIN and
 * RST travel through the impairments as ordered chunks, so a blackhole holds a FIN or a reset
 * exactly as it holds bytes, and the far side hears of a close only when the path clears.
 */
import net from 'node:net';
import { Impairment, type ImpairmentCounters } from './impairment';
import type { Random } from '../../shared/random';
import type { RuleBook } from './rule-book';

/** What travels through a stream impairment: bytes, a FIN, or an abrupt close. */
export type StreamChunk = { kind: 'data'; buf: Buffer } | { kind: 'end' } | { kind: 'reset' };

/** Collaborators a {@link ProxiedConnection} needs from its proxy. */
export interface ConnectionDeps {
  rules: RuleBook;
  randomUp: Random;
  randomDown: Random;
  /** Where to connect upstream, read at connect time (the target may change). */
  target: () => { host: string; port: number };
  holdCapBytes: number;
  log: (msg: string) => void;
  /** Called once when both sides are closed and the connection is forgotten. */
  onFinished: (c: ProxiedConnection) => void;
}

/** Pause the reading side when this much waits in an impairment (not under a blackhole). */
const HIGH_WATER_BYTES = 64 * 1024;

/** Destroys a socket with an RST where possible (a plain destroy while still connecting). */
export function resetSocket(s: net.Socket | null): void {
  if (!s || s.destroyed) return;
  try {
    if (s.connecting) s.destroy();
    else s.resetAndDestroy();
  } catch {
    s.destroy();
  }
}

/** See the module comment. */
export class ProxiedConnection {
  private upstream: net.Socket | null = null;
  private readonly preConnect: StreamChunk[] = [];
  private preConnectBytes = 0;
  private readonly up: Impairment<StreamChunk>;
  private readonly down: Impairment<StreamChunk>;
  private readonly detach: Array<() => void> = [];
  private readonly paused = new Map<net.Socket, Set<string>>();
  private clientClosed = false;
  private upstreamClosed = false;
  private finished = false;
  /** Milliseconds (performance.now) when the client connected. */
  readonly since = performance.now();

  constructor(
    private readonly client: net.Socket,
    private readonly deps: ConnectionDeps,
  ) {
    const overflow = (side: string) => () => {
      deps.log(`tcp: ${side} hold exceeded ${deps.holdCapBytes} bytes under blackhole; resetting`);
      this.abort();
    };
    this.up = new Impairment<StreamChunk>({
      mode: 'stream',
      random: deps.randomUp,
      holdCapBytes: deps.holdCapBytes,
      onHoldOverflow: overflow('up'),
      deliver: (c) => this.toUpstream(c),
    });
    this.down = new Impairment<StreamChunk>({
      mode: 'stream',
      random: deps.randomDown,
      holdCapBytes: deps.holdCapBytes,
      onHoldOverflow: overflow('down'),
      deliver: (c) => this.write(this.client, this.upstream, c),
    });
    this.detach.push(deps.rules.attach('up', this.up), deps.rules.attach('down', this.down));
    client.setNoDelay(true);
    this.wire(client, this.up, () => {
      this.clientClosed = true;
    });
    client.on('end', () => {
      // A FIN before the (held) handshake completed: the client gave up; nothing reaches the server.
      if (this.upstream === null) client.destroy();
    });
  }

  /** True while no upstream socket exists (held back like an unanswered SYN). */
  get pending(): boolean {
    return this.upstream === null && !this.finished;
  }

  /** Live counters of both directions. */
  counters(): { up: ImpairmentCounters; down: ImpairmentCounters } {
    return { up: this.up.counters(), down: this.down.counters() };
  }

  /**
   * Opens the upstream socket (once). If the client already left while the handshake was held,
   * nothing reaches the server, as with a SYN that was never answered.
   */
  connect(): void {
    if (this.upstream || this.finished) return;
    if (this.clientClosed) {
      this.finish();
      return;
    }
    const { host, port } = this.deps.target();
    const s = net.connect({ host, port, allowHalfOpen: true });
    this.upstream = s;
    s.setNoDelay(true);
    let connected = false;
    s.once('connect', () => {
      connected = true;
    });
    s.on('error', (err: NodeJS.ErrnoException) => {
      if (!connected) {
        // Server down or unreachable: tell the client at once instead of leaving it hanging.
        this.deps.log(`tcp: upstream ${host}:${port} failed (${err.code ?? err.message}); resetting client`);
        this.abort();
      }
    });
    this.wire(s, this.down, () => {
      this.upstreamClosed = true;
    });
    for (const c of this.preConnect.splice(0)) this.write(s, this.client, c);
  }

  /** Closes both sides abruptly (RST), discarding anything held or delayed. */
  abort(): void {
    this.up.dispose();
    this.down.dispose();
    resetSocket(this.client);
    resetSocket(this.upstream);
    this.clientClosed = true;
    this.upstreamClosed = true;
    this.finish();
  }

  private wire(s: net.Socket, into: Impairment<StreamChunk>, markClosed: () => void): void {
    let ended = false;
    s.on('data', (buf: Buffer) => {
      const max = into.preferredChunkBytes();
      for (let off = 0; off < buf.length; off += max) {
        const piece = max >= buf.length ? buf : buf.subarray(off, Math.min(buf.length, off + max));
        into.push({ kind: 'data', buf: piece }, piece.length);
      }
      if (!into.blackholed() && into.backlogBytes() > HIGH_WATER_BYTES && !this.isPaused(s, 'backlog')) {
        this.pause(s, 'backlog');
        const off = into.onDrain(() => {
          off();
          this.resume(s, 'backlog');
        });
      }
    });
    s.on('end', () => {
      ended = true;
      into.push({ kind: 'end' }, 0);
    });
    s.on('error', () => {
      // Reported through 'close' (hadError); the other side learns of it as a reset.
    });
    s.on('close', (hadError) => {
      markClosed();
      if (hadError || !ended) into.push({ kind: 'reset' }, 0);
      this.maybeFinish();
    });
  }

  private toUpstream(c: StreamChunk): void {
    if (this.upstream) {
      this.write(this.upstream, this.client, c);
      return;
    }
    this.preConnect.push(c);
    this.preConnectBytes += c.kind === 'data' ? c.buf.length : 0;
    if (this.preConnectBytes > this.deps.holdCapBytes) {
      this.deps.log(
        `tcp: more than ${this.deps.holdCapBytes} bytes before the handshake completed; resetting`,
      );
      this.abort();
    }
  }

  private write(dest: net.Socket, source: net.Socket | null, c: StreamChunk): void {
    if (dest.destroyed) return;
    if (c.kind === 'reset') {
      resetSocket(dest);
      return;
    }
    if (c.kind === 'end') {
      dest.end();
      return;
    }
    if (!dest.writable) return;
    if (!dest.write(c.buf) && source && !this.isPaused(source, 'write')) {
      this.pause(source, 'write');
      dest.once('drain', () => this.resume(source, 'write'));
    }
  }

  private isPaused(s: net.Socket, reason: string): boolean {
    return this.paused.get(s)?.has(reason) ?? false;
  }

  private pause(s: net.Socket, reason: string): void {
    let set = this.paused.get(s);
    if (!set) this.paused.set(s, (set = new Set()));
    set.add(reason);
    s.pause();
  }

  private resume(s: net.Socket, reason: string): void {
    const set = this.paused.get(s);
    set?.delete(reason);
    if (!set || set.size === 0) s.resume();
  }

  private maybeFinish(): void {
    if (this.clientClosed && (this.upstreamClosed || this.upstream === null)) this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const d of this.detach.splice(0)) d();
    this.up.dispose();
    this.down.dispose();
    this.deps.onFinished(this);
  }
}
