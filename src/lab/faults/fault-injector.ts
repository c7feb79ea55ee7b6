/**
 * A local client's whole network path with faults: signaling through a {@link TcpProxy}, media
 * through a {@link UdpRelay}, remote candidates rewritten to relay addresses. It implements
 * {@link NetworkPath}, so a connection manager uses it exactly like a direct path.
 *
 * Several faults may be active at once; each gets an id. Rules compose per direction (two
 * latencies add, the lowest rate wins, any blackhole blocks). One-shot faults (`reset`,
 * `ip-change`) act when applied and stay listed until cleared, so the lab's start/end records
 * pair up; clearing them undoes nothing. The injector writes no trace records itself: the lab
 * passes its own `log`, so the injector's lines reach the trace as that participant's `log` records.
 *
 * With a TURN server (`turn` option) the client reaches it through this path too: TURN/UDP via
 * a relay mapping of class `turn`, TURN/TCP via a second proxy that carries the media rules;
 * `block-direct-udp`, `block-turn-udp` and `block-turn-tcp` cut one of the three routes.
 */
import type { ClientFault } from '../../shared/model/faults';
import { FaultIds } from '../fault-ids';
import { isLoopbackUdpCandidate, type CandidateInit, type NetworkPath } from '../network-path';
import { parseCandidate, rewriteCandidateInit } from './candidate';
import type { ImpairmentCounters, ImpairmentRule } from './impairment';
import type { RuleBook } from './rule-book';
import { TcpProxy, type TcpCounters } from './tcp-proxy';
import { UdpRelay } from './udp-relay';

/** Options of a {@link FaultInjector}. */
export interface FaultInjectorOptions {
  /** The channel server's signaling host and port (what the proxy forwards to). */
  serverHost: string;
  serverPort: number;
  /** Loopback address of the proxy and relay sockets (default 127.0.0.1). */
  bindHost?: string;
  /** Seed for loss and jitter, for reproducible runs (default 1). */
  seed?: number;
  /** Time scale of the emulated SYN retransmissions (see TcpProxyOptions.synScale; default 1). */
  synScale?: number;
  /** The lab's TURN server, reached through this path (see the module comment). */
  turn?: TurnTarget;
  /** Optional diagnostics (not trace records). */
  log?: (level: 'info' | 'warn', msg: string) => void;
}

/** A TURN server behind an injector. */
export interface TurnTarget {
  host: string;
  /** Its UDP and TCP listening port. */
  port: number;
  /** True for a datagram source that is one of its relay endpoints (server-side traffic). */
  isRelaySource: (address: string, port: number) => boolean;
}

/** Where the client reaches the TURN server through this path. */
export interface TurnEndpoints {
  udp: { host: string; port: number };
  tcp: { host: string; port: number };
}

/** An active fault as listed by {@link FaultInjector.active}. */
export interface ActiveFault {
  id: string;
  fault: ClientFault;
  /** `performance.now()` when it was applied. */
  since: number;
}

/** Traffic totals: media per direction (UDP datagrams) and the signaling proxy. */
export interface FaultInjectorCounters {
  up: ImpairmentCounters;
  down: ImpairmentCounters;
  tcp: TcpCounters;
  udp: { mappings: number; flows: number; rebinds: number; blocked: number };
  /** The TURN/TCP proxy, when there is a TURN server. */
  turnTcp: TcpCounters | null;
}

/** See the module comment. `start()` before use, `dispose()` at the end. */
export class FaultInjector implements NetworkPath {
  private readonly proxy: TcpProxy;
  private readonly relay: UdpRelay;
  private readonly turnProxy: TcpProxy | null;
  private readonly faults = new Map<string, ActiveFault>();
  private readonly ids = new FaultIds();
  private started = false;
  private disposed = false;
  private readonly bindHost: string;
  private readonly log: (level: 'info' | 'warn', msg: string) => void;

  constructor(private readonly opts: FaultInjectorOptions) {
    this.bindHost = opts.bindHost ?? '127.0.0.1';
    this.log = opts.log ?? (() => {});
    const seed = opts.seed ?? 1;
    const info = (msg: string) => this.log('info', msg);
    this.proxy = new TcpProxy({
      target: { host: opts.serverHost, port: opts.serverPort },
      bindHost: this.bindHost,
      seed,
      synScale: opts.synScale,
      log: info,
    });
    this.relay = new UdpRelay({
      bindHost: this.bindHost,
      seed: seed ^ 0x5a5a5a5a,
      serverSide: opts.turn?.isRelaySource,
      log: info,
    });
    this.turnProxy = opts.turn
      ? new TcpProxy({
          target: { host: opts.turn.host, port: opts.turn.port },
          bindHost: this.bindHost,
          seed: seed ^ 0x3c3c3c3c,
          synScale: opts.synScale,
          log: info,
        })
      : null;
  }

  /** Starts the signaling proxy (the relay binds sockets on demand). */
  async start(): Promise<void> {
    if (this.disposed) throw new Error('FaultInjector: disposed');
    await this.proxy.listen();
    await this.turnProxy?.listen();
    this.started = true;
  }

  /** `ws://<bindHost>:<proxyPort>/v1/channel`; throws before `start()`. */
  signalingUrl(): string {
    if (!this.started) throw new Error('FaultInjector: call start() before signalingUrl()');
    return `ws://${this.bindHost}:${this.proxy.port}/v1/channel`;
  }

  /**
   * Rewrites a server candidate to its relay address A_S (binding it on first use). Non-loopback
   * or TCP candidates give null; an empty candidate (end of candidates) passes unchanged; a
   * malformed one rejects with a CandidateParseError.
   */
  async mapRemoteCandidate(c: CandidateInit): Promise<CandidateInit | null> {
    if (c.candidate === '') return c;
    const parsed = parseCandidate(c.candidate);
    if (!isLoopbackUdpCandidate(c)) return null;
    const a = await this.relay.mapServerAddress(parsed.address, parsed.port);
    return rewriteCandidateInit(c, a.address, a.port);
  }

  /** Where the client reaches the TURN server through this path; null without one. */
  async turnEndpoints(): Promise<TurnEndpoints | null> {
    const turn = this.opts.turn;
    if (!turn || !this.turnProxy) return null;
    if (!this.started) throw new Error('FaultInjector: call start() before turnEndpoints()');
    const udp = await this.relay.mapServerAddress(turn.host, turn.port, 'turn');
    return {
      udp: { host: udp.address, port: udp.port },
      tcp: { host: this.bindHost, port: this.turnProxy.port },
    };
  }

  /** Always false: like a NAT, the relay lets the server learn the client from its checks. */
  shouldSendLocalCandidate(_c: CandidateInit): boolean {
    return false;
  }

  /** Points the proxy at a restarted server (new connections only). */
  setServerPort(port: number): void {
    this.proxy.setTarget(this.opts.serverHost, port);
  }

  /**
   * Applies a fault and returns its id: `id` when given (the lab passes its own), else the
   * next of the injector's sequence. The spec is already validated, defaults filled (see
   * `parseClientFault`); the injector does not parse it again.
   */
  apply(fault: ClientFault, id = this.ids.next()): string {
    if (this.disposed) throw new Error('FaultInjector: disposed');
    if (this.faults.has(id)) throw new Error(`FaultInjector: a fault with id "${id}" is already active`);
    this.faults.set(id, { id, fault, since: performance.now() });
    const onSignaling = 'path' in fault && (fault.path === 'signaling' || fault.path === 'all');
    const onMedia = 'path' in fault && (fault.path === 'media' || fault.path === 'all');
    switch (fault.kind) {
      case 'blackhole':
      case 'latency':
      case 'loss':
      case 'bandwidth': {
        const rule = toRule(fault);
        const books: RuleBook[] = [];
        if (onSignaling) books.push(this.proxy.rules);
        if (onMedia) books.push(this.relay.rules);
        if (onMedia && this.turnProxy) books.push(this.turnProxy.rules);
        for (const b of books) b.add(id, fault.direction, rule);
        break;
      }
      case 'reset':
        if (onSignaling) this.proxy.resetAll();
        if (onMedia) this.relay.rebind();
        if (onMedia) this.turnProxy?.resetAll();
        break;
      case 'refuse':
        this.proxy.setRefusing(true);
        break;
      case 'ip-change':
        this.proxy.resetAll();
        this.relay.rebind({ newAddress: true });
        this.turnProxy?.resetAll();
        break;
      case 'block-direct-udp':
        this.relay.block(id, 'direct');
        break;
      case 'block-turn-udp':
        this.relay.block(id, 'turn');
        break;
      case 'block-turn-tcp':
        this.turnProxy?.rules.add(id, 'both', { kind: 'blackhole' });
        break;
    }
    this.log('info', `fault ${id} applied: ${JSON.stringify(fault)}`);
    return id;
  }

  /** Clears one fault; an unknown id (e.g. already cleared) is ignored. */
  clear(id: string): void {
    const f = this.faults.get(id);
    if (!f) return;
    this.faults.delete(id);
    this.proxy.rules.remove(id);
    this.relay.rules.remove(id);
    this.relay.unblock(id);
    this.turnProxy?.rules.remove(id);
    if (f.fault.kind === 'refuse') {
      this.proxy.setRefusing([...this.faults.values()].some((a) => a.fault.kind === 'refuse'));
    }
    this.log('info', `fault ${id} cleared`);
  }

  /** Clears every fault. */
  clearAll(): void {
    for (const id of [...this.faults.keys()]) this.clear(id);
  }

  /** Faults applied and not yet cleared, oldest first. */
  active(): ActiveFault[] {
    return [...this.faults.values()].map((f) => ({ ...f }));
  }

  /** Traffic totals (see {@link FaultInjectorCounters}). */
  counters(): FaultInjectorCounters {
    const u = this.relay.counters();
    return {
      up: u.up,
      down: u.down,
      tcp: this.proxy.counters(),
      udp: { mappings: u.mappings, flows: u.flows, rebinds: u.rebinds, blocked: this.relay.blocked },
      turnTcp: this.turnProxy?.counters() ?? null,
    };
  }

  /** The addresses the server currently sees the client's media come from. */
  mediaSourceAddresses(): Array<{ address: string; port: number }> {
    return this.relay.serverFacingAddresses();
  }

  /** Closes every socket and timer; the injector cannot be used afterwards. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.faults.clear();
    await Promise.all([this.proxy.close(), this.relay.close(), this.turnProxy?.close()]);
  }
}

/** The per-direction rule of a rule-based fault. */
function toRule(
  f: Extract<ClientFault, { kind: 'blackhole' | 'latency' | 'loss' | 'bandwidth' }>,
): ImpairmentRule {
  switch (f.kind) {
    case 'blackhole':
      return { kind: 'blackhole' };
    case 'latency':
      return { kind: 'latency', ms: f.ms, jitterMs: f.jitterMs };
    case 'loss':
      return { kind: 'loss', pct: f.pct, meanLength: f.burst?.meanLength };
    case 'bandwidth':
      return { kind: 'bandwidth', kbps: f.kbps };
  }
}
