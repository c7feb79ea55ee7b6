/**
 * The media half of a client's network path: a user-space UDP relay that behaves like a NAT
 * in the ICE path (the kernel here has no netem, so delay, jitter and loss come from here).
 *
 * For each server candidate address S the client is given a relay address A_S (a socket on the
 * bind host). A datagram from client address C to A_S leaves towards S from a server-facing
 * socket B_(S,C); replies reaching B_(S,C) from S go back out of A_S to C. The mapping is per
 * (S, C), like a symmetric NAT, and B only accepts datagrams from S (port-restricted filtering).
 * The client's own candidates never reach the server: it learns B as a peer-reflexive candidate
 * from the client's checks. `rebind()` (ip-change, media reset) closes every B so the client
 * reappears from new ports, optionally on another loopback address.
 *
 * Impairments: one datagram {@link Impairment} per direction for the whole relay (it models the
 * client's access link, so a rate limit is shared by every flow). Jitter may reorder datagrams.
 *
 * Relayed paths: a mapping has a class, `direct` (the server's media port) or `turn` (the TURN
 * server's UDP port, so TURN/UDP crosses the client's access link too); `block(id, class)` drops
 * every datagram of that class until `unblock(id)`. A TURN server's relay endpoint sending to
 * A_S (`serverSide` option) is not the client: its flows bypass impairments and blocks, since
 * that hop (TURN server → media server) is not on the client's link.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { Impairment, type ImpairmentCounters } from './impairment';
import { deriveSeed, mulberry32 } from '../../shared/random';
import { RuleBook } from './rule-book';

/** Options of a {@link UdpRelay}. */
export interface UdpRelayOptions {
  /** Address of the client-facing sockets A_S (default 127.0.0.1). */
  bindHost?: string;
  /**
   * Loopback addresses the server-facing sockets B cycle through on `rebind({ newAddress: true })`
   * (IPv4 flows only; default on Linux 127.0.0.1, 127.0.0.2, 127.0.0.3 — Linux routes all of
   * 127/8 — and 127.0.0.1 alone elsewhere).
   */
  serverFacingHosts?: string[];
  /** Seed for loss and jitter (default 1). */
  seed?: number;
  /** Most server addresses mapped at once; the least recently used is evicted beyond (64). */
  maxMappings?: number;
  /** Most (S, C) flows at once; the least recently used is closed beyond (256). */
  maxFlows?: number;
  /** True for a datagram source on the server side of the link (a TURN relay endpoint). */
  serverSide?: (address: string, port: number) => boolean;
  log?: (msg: string) => void;
}

/** What a relay mapping leads to: the media server itself, or a TURN server. */
export type MappingClass = 'direct' | 'turn';

/** A server address S and its client-facing relay socket A_S. */
interface Mapping {
  key: string;
  server: { address: string; port: number; family: 4 | 6 };
  socket: dgram.Socket;
  relayPort: number;
  cls: MappingClass;
}

/** The server-facing socket B of one (S, C) flow. */
interface Flow {
  key: string;
  mapping: Mapping;
  client: { address: string; port: number };
  socket: dgram.Socket;
  /** From a server-side source (a TURN relay endpoint): not impaired, not blocked. */
  bypass: boolean;
}

/** A datagram in the relay's pipeline, with where it goes. */
interface Datagram {
  buf: Buffer;
  flow: Flow;
}

/** Totals per direction, plus the relay's sockets. */
export interface UdpRelayCounters {
  up: ImpairmentCounters;
  down: ImpairmentCounters;
  mappings: number;
  flows: number;
  rebinds: number;
}

/** See the module comment. Call `close()` at the end. */
export class UdpRelay {
  /** Rules (blackhole, latency, loss, bandwidth) per direction. */
  readonly rules = new RuleBook();
  private readonly mappings = new Map<string, Mapping>();
  private readonly pendingMappings = new Map<string, Promise<Mapping>>();
  private readonly flows = new Map<string, Flow>();
  private readonly blocks = new Map<string, MappingClass>();
  private blockedDrops = 0;
  private readonly up: Impairment<Datagram>;
  private readonly down: Impairment<Datagram>;
  private readonly hosts: string[];
  private hostIndex = 0;
  private rebinds = 0;
  private closed = false;
  private readonly log: (msg: string) => void;

  constructor(private readonly opts: UdpRelayOptions = {}) {
    const seed = opts.seed ?? 1;
    this.log = opts.log ?? (() => {});
    this.hosts = opts.serverFacingHosts?.length
      ? [...opts.serverFacingHosts]
      : // Only Linux routes all of 127/8 without configuration; elsewhere rebinding changes ports only.
        process.platform === 'linux'
        ? ['127.0.0.1', '127.0.0.2', '127.0.0.3']
        : ['127.0.0.1'];
    this.up = new Impairment<Datagram>({
      mode: 'datagram',
      random: mulberry32(deriveSeed(seed, 101)),
      deliver: (d) => this.sendUp(d),
    });
    this.down = new Impairment<Datagram>({
      mode: 'datagram',
      random: mulberry32(deriveSeed(seed, 102)),
      deliver: (d) => this.sendDown(d),
    });
    this.rules.attach('up', this.up);
    this.rules.attach('down', this.down);
  }

  /**
   * Returns the relay address A_S the client should use for server address S, binding a new
   * socket the first time S is seen. Rejects a non-IP address or a bad port with a clear error.
   */
  async mapServerAddress(
    address: string,
    port: number,
    cls: MappingClass = 'direct',
  ): Promise<{ address: string; port: number }> {
    if (this.closed) throw new Error('UdpRelay: closed');
    const family = net.isIP(address);
    if (family === 0) throw new Error(`UdpRelay: "${address}" is not an IP address`);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`UdpRelay: port ${port} is not 1-65535`);
    }
    const key = `${address}|${port}`;
    let m = this.mappings.get(key);
    if (!m) {
      let p = this.pendingMappings.get(key);
      if (!p) {
        p = this.createMapping(key, { address, port, family: family as 4 | 6 }, cls);
        this.pendingMappings.set(key, p);
      }
      try {
        m = await p;
      } finally {
        this.pendingMappings.delete(key);
      }
    } else {
      this.touch(this.mappings, key, m);
    }
    return { address: this.opts.bindHost ?? '127.0.0.1', port: m.relayPort };
  }

  /** Drops every datagram of mappings of class `cls` (both directions) until `unblock(id)`. */
  block(id: string, cls: MappingClass): void {
    this.blocks.set(id, cls);
  }

  /** Ends the block `id`; false when there was none. */
  unblock(id: string): boolean {
    return this.blocks.delete(id);
  }

  /** Datagrams dropped by blocks so far. */
  get blocked(): number {
    return this.blockedDrops;
  }

  /**
   * Closes every server-facing socket: later datagrams leave from fresh ports (and, with
   * `newAddress`, from the next loopback address), so the server sees the client elsewhere.
   * Datagrams in flight towards the old sockets are lost. Returns the flows closed.
   */
  rebind(opts: { newAddress?: boolean } = {}): number {
    const n = this.flows.size;
    for (const f of this.flows.values()) this.closeSocket(f.socket);
    this.flows.clear();
    if (opts.newAddress) this.hostIndex = (this.hostIndex + 1) % this.hosts.length;
    this.rebinds += 1;
    this.log(`udp: rebound ${n} flow(s); server-facing host ${this.serverFacingHost(4)}`);
    return n;
  }

  /** The local addresses of the current server-facing sockets (what the server sees). */
  serverFacingAddresses(): Array<{ address: string; port: number }> {
    const out: Array<{ address: string; port: number }> = [];
    for (const f of this.flows.values()) {
      try {
        const a = f.socket.address();
        out.push({ address: a.address, port: a.port });
      } catch {
        // Not bound yet.
      }
    }
    return out;
  }

  /** Live totals. */
  counters(): UdpRelayCounters {
    return {
      up: this.up.counters(),
      down: this.down.counters(),
      mappings: this.mappings.size,
      flows: this.flows.size,
      rebinds: this.rebinds,
    };
  }

  /** Closes every socket and stops the impairment timers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.up.dispose();
    this.down.dispose();
    await Promise.allSettled(this.pendingMappings.values());
    const closing: Array<Promise<void>> = [];
    for (const f of this.flows.values()) closing.push(this.closeSocket(f.socket));
    for (const m of this.mappings.values()) closing.push(this.closeSocket(m.socket));
    this.flows.clear();
    this.mappings.clear();
    await Promise.all(closing);
  }

  private async createMapping(key: string, server: Mapping['server'], cls: MappingClass): Promise<Mapping> {
    const bindHost = this.opts.bindHost ?? '127.0.0.1';
    const socket = dgram.createSocket(net.isIPv6(bindHost) ? 'udp6' : 'udp4');
    socket.on('error', (err) => this.log(`udp: A socket for ${key} error ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, bindHost, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const m: Mapping = { key, server, socket, relayPort: socket.address().port, cls };
    if (this.closed) {
      await this.closeSocket(socket);
      throw new Error('UdpRelay: closed');
    }
    socket.on('message', (buf, rinfo) => this.fromClient(m, buf, rinfo));
    this.mappings.set(key, m);
    while (this.mappings.size > (this.opts.maxMappings ?? 64)) {
      const oldest = this.mappings.values().next().value as Mapping;
      this.dropMapping(oldest);
    }
    return m;
  }

  private dropMapping(m: Mapping): void {
    this.mappings.delete(m.key);
    for (const f of [...this.flows.values()]) {
      if (f.mapping === m) {
        this.flows.delete(f.key);
        void this.closeSocket(f.socket);
      }
    }
    void this.closeSocket(m.socket);
  }

  private fromClient(m: Mapping, buf: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.closed) return;
    const key = `${m.key}|${rinfo.address}|${rinfo.port}`;
    let flow = this.flows.get(key);
    if (!flow) flow = this.createFlow(key, m, { address: rinfo.address, port: rinfo.port });
    else this.touch(this.flows, key, flow);
    if (flow.bypass) this.sendUp({ buf, flow });
    else if (this.isBlocked(m.cls)) this.blockedDrops += 1;
    else this.up.push({ buf, flow }, buf.length);
  }

  private isBlocked(cls: MappingClass): boolean {
    for (const c of this.blocks.values()) if (c === cls) return true;
    return false;
  }

  private createFlow(key: string, mapping: Mapping, client: Flow['client']): Flow {
    const v6 = mapping.server.family === 6;
    const socket = dgram.createSocket(v6 ? 'udp6' : 'udp4');
    const bypass = this.opts.serverSide?.(client.address, client.port) ?? false;
    const flow: Flow = { key, mapping, client, socket, bypass };
    socket.on('error', (err) => this.log(`udp: B socket for ${key} error ${err.message}`));
    socket.on('message', (buf, rinfo) => {
      // Port-restricted: only the server this flow talks to may answer through it.
      if (this.flows.get(key) !== flow) return;
      if (rinfo.port !== mapping.server.port || rinfo.address !== mapping.server.address) return;
      if (flow.bypass) this.sendDown({ buf, flow });
      else if (this.isBlocked(mapping.cls)) this.blockedDrops += 1;
      else this.down.push({ buf, flow }, buf.length);
    });
    // Sends issued before the bind completes are queued by dgram.
    socket.bind(0, this.serverFacingHost(v6 ? 6 : 4));
    this.flows.set(key, flow);
    while (this.flows.size > (this.opts.maxFlows ?? 256)) {
      const oldest = this.flows.values().next().value as Flow;
      this.flows.delete(oldest.key);
      void this.closeSocket(oldest.socket);
    }
    return flow;
  }

  private sendUp(d: Datagram): void {
    if (this.flows.get(d.flow.key) !== d.flow) return; // rebound or closed meanwhile
    const { address, port } = d.flow.mapping.server;
    d.flow.socket.send(d.buf, port, address, (err) => {
      if (err) this.log(`udp: send to ${address}:${port} failed: ${err.message}`);
    });
  }

  private sendDown(d: Datagram): void {
    if (this.mappings.get(d.flow.mapping.key) !== d.flow.mapping) return;
    const { address, port } = d.flow.client;
    d.flow.mapping.socket.send(d.buf, port, address, (err) => {
      if (err) this.log(`udp: send to client ${address}:${port} failed: ${err.message}`);
    });
  }

  private serverFacingHost(family: 4 | 6): string {
    return family === 6 ? '::1' : this.hosts[this.hostIndex]!;
  }

  /** Moves a key to the end of a Map, which keeps the maps in least-recently-used order. */
  private touch<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
  }

  private closeSocket(socket: dgram.Socket): Promise<void> {
    return new Promise((resolve) => {
      try {
        socket.close(() => resolve());
      } catch {
        resolve(); // already closed
      }
    });
  }
}
