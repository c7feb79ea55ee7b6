/**
 * Figures for the fault injector's media relay, reusable by `npm run bench` and by tests:
 * the echo RTT it adds over a direct loopback UDP path (ping-pong, one datagram in flight),
 * and its forwarding rate (a window of datagrams kept in flight through it). Loopback only;
 * every loop is bounded in count and time.
 */
import dgram from 'node:dgram';
import { parseClientFault, type ClientFaultInput } from '../../shared/model/faults';
import { FaultInjector } from './fault-injector';

/** Echo RTT distribution in milliseconds. */
export interface RttSummary {
  count: number;
  lost: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

/** What {@link measureRelay} reports. */
export interface RelayMeasurement {
  payloadBytes: number;
  direct: RttSummary;
  relay: RttSummary;
  /** Relay p50 / p99 minus direct p50 / p99. */
  addedP50Ms: number;
  addedP99Ms: number;
  throughput: {
    /** Echoes completed per second (each crosses the relay twice). */
    echoesPerSec: number;
    /** Datagrams the relay forwarded per second, both directions. */
    forwardedPerSec: number;
    /** Payload megabits per second through the relay, both directions. */
    mbps: number;
    sent: number;
    echoed: number;
    durationMs: number;
  };
}

/** Options of {@link measureRelay}; defaults are the full bench run. */
export interface MeasureRelayOptions {
  /** Ping-pong datagrams per path (default 2,000). */
  rttPackets?: number;
  /** Datagrams for the throughput run (default 20,000). */
  throughputPackets?: number;
  /** Datagrams kept in flight during the throughput run (default 32). */
  window?: number;
  /** Payload size (default 200 bytes, about an audio packet plus headers). */
  payloadBytes?: number;
  /** A fault applied to the relay for the whole measurement (e.g. latency). */
  fault?: ClientFaultInput;
  /** A datagram with no echo after this long counts as lost (default 1,000 ms). */
  timeoutMs?: number;
}

function summarize(rtts: number[], lost: number): RttSummary {
  const s = [...rtts].sort((a, b) => a - b);
  const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]! : Number.NaN);
  return {
    count: s.length,
    lost,
    p50: at(0.5),
    p99: at(0.99),
    mean: s.length ? s.reduce((a, b) => a + b, 0) / s.length : Number.NaN,
    max: s.length ? s[s.length - 1]! : Number.NaN,
  };
}

async function openSocket(echo: boolean): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  if (echo) s.on('message', (m, r) => s.send(m, r.port, r.address));
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      s.off('error', reject);
      resolve();
    });
  });
  return s;
}

const closeSocket = (s: dgram.Socket) => new Promise<void>((r) => s.close(() => r()));

/** Ping-pong `count` datagrams from `sock` to `port`, one at a time. */
async function pingPong(
  sock: dgram.Socket,
  port: number,
  count: number,
  payload: number,
  timeoutMs: number,
): Promise<RttSummary> {
  const rtts: number[] = [];
  let lost = 0;
  const buf = Buffer.alloc(Math.max(4, payload));
  for (let i = 0; i < count; i++) {
    buf.writeUInt32BE(i, 0);
    const t0 = performance.now();
    const ok = await new Promise<boolean>((resolve) => {
      const onMsg = (m: Buffer) => {
        if (m.length < 4 || m.readUInt32BE(0) !== i) return;
        done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      const done = (v: boolean) => {
        clearTimeout(timer);
        sock.off('message', onMsg);
        resolve(v);
      };
      sock.on('message', onMsg);
      sock.send(buf, port, '127.0.0.1');
    });
    if (ok) rtts.push(performance.now() - t0);
    else lost += 1;
  }
  return summarize(rtts, lost);
}

/** Keeps `window` datagrams in flight to `port` until `total` are sent or progress stalls. */
async function pump(
  sock: dgram.Socket,
  port: number,
  total: number,
  window: number,
  payload: number,
  timeoutMs: number,
): Promise<{ sent: number; echoed: number; durationMs: number }> {
  const buf = Buffer.alloc(Math.max(4, payload));
  let sent = 0;
  let echoed = 0;
  const t0 = performance.now();
  let lastEchoAt = t0;
  await new Promise<void>((resolve) => {
    let stall: NodeJS.Timeout;
    const arm = () => {
      clearTimeout(stall);
      stall = setTimeout(finish, timeoutMs); // a lost datagram shrinks the window; stop then
    };
    const finish = () => {
      clearTimeout(stall);
      sock.off('message', onMsg);
      resolve();
    };
    const sendOne = () => {
      buf.writeUInt32BE(sent++, 0);
      sock.send(buf, port, '127.0.0.1');
    };
    const onMsg = () => {
      echoed += 1;
      lastEchoAt = performance.now();
      if (echoed >= total) return finish();
      arm();
      if (sent < total) sendOne();
    };
    sock.on('message', onMsg);
    arm();
    for (let i = 0; i < Math.min(window, total); i++) sendOne();
  });
  // A stall ends the run after timeoutMs without echoes; that wait is not forwarding time.
  return { sent, echoed, durationMs: Math.max(1, lastEchoAt - t0) };
}

/**
 * Measures the relay against a direct path on loopback: RTT percentiles of both and the
 * relay's forwarding rate. Opens and closes its own sockets and injector.
 */
export async function measureRelay(opts: MeasureRelayOptions = {}): Promise<RelayMeasurement> {
  const rttPackets = opts.rttPackets ?? 2000;
  const total = opts.throughputPackets ?? 20_000;
  const window = opts.window ?? 32;
  const payload = opts.payloadBytes ?? 200;
  const timeoutMs = opts.timeoutMs ?? 1000;
  const echo = await openSocket(true);
  const client = await openSocket(false);
  const inj = new FaultInjector({ serverHost: '127.0.0.1', serverPort: 9, seed: 1 });
  try {
    await inj.start();
    const echoPort = echo.address().port;
    const mapped = await inj.mapRemoteCandidate({
      candidate: `candidate:1 1 udp 1 127.0.0.1 ${echoPort} typ host`,
    });
    const relayPort = Number(mapped!.candidate.split(' ')[5]);
    if (opts.fault) inj.apply(parseClientFault(opts.fault));

    const direct = await pingPong(client, echoPort, rttPackets, payload, timeoutMs);
    const relay = await pingPong(client, relayPort, rttPackets, payload, timeoutMs);
    const before = inj.counters();
    const run = await pump(client, relayPort, total, window, payload, timeoutMs);
    const after = inj.counters();
    const forwarded =
      after.up.delivered - before.up.delivered + (after.down.delivered - before.down.delivered);
    const secs = run.durationMs / 1000;
    return {
      payloadBytes: payload,
      direct,
      relay,
      addedP50Ms: relay.p50 - direct.p50,
      addedP99Ms: relay.p99 - direct.p99,
      throughput: {
        echoesPerSec: run.echoed / secs,
        forwardedPerSec: forwarded / secs,
        mbps: (forwarded * payload * 8) / secs / 1e6,
        ...run,
      },
    };
  } finally {
    await inj.dispose();
    await closeSocket(echo);
    await closeSocket(client);
  }
}
