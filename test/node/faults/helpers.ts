/** Loopback helpers shared by the fault-injector tests: UDP echo server/client, waits. */
import dgram from 'node:dgram';
import { splitSdpCandidates } from '../../../src/lab/faults/candidate';

/** The offer/answer half of a peer connection, as both engines have it. */
interface Negotiating {
  createOffer(): Promise<{ type: string; sdp: string }>;
  createAnswer(): Promise<{ type: string; sdp: string }>;
  // What createOffer/createAnswer gave (werift's overloads accept only its own description type).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  setLocalDescription(d: any): Promise<unknown>;
  setRemoteDescription(d: { type: 'offer' | 'answer'; sdp: string }): Promise<unknown>;
}

/**
 * One offer/answer round from `client` to `server`, each side applying the other's description
 * without candidates (they trickle). Uses the descriptions as created, never the getters: those
 * can race libwebrtc's signaling thread and segfault (PeerConnectionLike in
 * src/lab/clients/engines.ts).
 */
export async function offerAnswer(client: Negotiating, server: Negotiating): Promise<void> {
  const offer = await client.createOffer();
  await client.setLocalDescription(offer);
  await server.setRemoteDescription({ type: 'offer', sdp: splitSdpCandidates(offer.sdp).sdp });
  const answer = await server.createAnswer();
  await server.setLocalDescription(answer);
  await client.setRemoteDescription({ type: 'answer', sdp: splitSdpCandidates(answer.sdp).sdp });
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `cond` every 10 ms until true or `timeoutMs` passes (then throws `what`). */
export async function waitFor(cond: () => boolean, timeoutMs: number, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** A UDP socket bound on 127.0.0.1 that records what it receives and may echo it back. */
export class UdpPeer {
  readonly socket = dgram.createSocket('udp4');
  readonly received: Array<{ buf: Buffer; address: string; port: number; at: number }> = [];
  echo = false;

  /** Binds and (optionally) echoes every datagram back to its sender. */
  static async open(echo = false): Promise<UdpPeer> {
    const p = new UdpPeer();
    p.echo = echo;
    p.socket.on('message', (buf, rinfo) => {
      p.received.push({ buf, address: rinfo.address, port: rinfo.port, at: performance.now() });
      if (p.echo) p.socket.send(buf, rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => p.socket.bind(0, '127.0.0.1', () => r()));
    return p;
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(buf: Buffer, port: number, address = '127.0.0.1'): void {
    this.socket.send(buf, port, address);
  }

  /**
   * Sends `count` datagrams of `size` bytes, `batch` at a time, and before each next batch waits
   * until `arrived()` (the receiver's own count) has caught up with what was sent (at most 2 s a
   * batch). A fixed pause is not enough: when the event loop runs late, the sender (a timer) and
   * the receivers in the same process (which read 32 datagrams a poll) fall out of step, and the
   * kernel drops what overflows a socket buffer — a loss the tests do not mean to measure.
   */
  async sendPaced(
    count: number,
    size: number,
    port: number,
    arrived: () => number,
    batch = 50,
  ): Promise<void> {
    for (let i = 0; i < count; i++) {
      const buf = Buffer.alloc(size);
      buf.writeUInt32BE(i, 0);
      this.send(buf, port);
      if (i % batch !== batch - 1 && i !== count - 1) continue;
      const until = Date.now() + 2000;
      while (arrived() < i + 1 && Date.now() < until) await sleep(1);
    }
  }

  close(): Promise<void> {
    return new Promise((r) => this.socket.close(() => r()));
  }
}

/**
 * Ping-pong RTTs: sends one datagram at a time to `port` and waits for the echo on the same
 * socket (or `timeoutMs`, counted as lost). Bounded by `count`.
 */
export async function echoRtts(
  peer: UdpPeer,
  port: number,
  count: number,
  timeoutMs = 1000,
): Promise<{ rtts: number[]; lost: number }> {
  const rtts: number[] = [];
  let lost = 0;
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const buf = Buffer.alloc(64);
    buf.writeUInt32BE(i, 0);
    const got = await new Promise<boolean>((resolve) => {
      const onMsg = (m: Buffer) => {
        if (m.length < 4 || m.readUInt32BE(0) !== i) return; // a late echo of an earlier ping
        clearTimeout(timer);
        peer.socket.off('message', onMsg);
        resolve(true);
      };
      const timer = setTimeout(() => {
        peer.socket.off('message', onMsg);
        resolve(false);
      }, timeoutMs);
      peer.socket.on('message', onMsg);
      peer.send(buf, port);
    });
    if (got) rtts.push(performance.now() - t0);
    else lost += 1;
  }
  return { rtts, lost };
}

/** The q-quantile (0..1) of a list of numbers. */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}
