/**
 * The fault injector's media relay against a direct loopback UDP path: echo RTT p50/p99 added
 * by the relay, its forwarding rate, and a sanity run with 50 ms latency each way.
 * The measuring itself lives in src/lab/faults/measure.ts (reusable by tests).
 */
import { measureRelay } from '../src/lab/faults/measure';
import { fmt, printTable } from './stats';

/** Runs the relay figures and prints them; `quick` uses a tenth of the packets. */
export async function benchRelay({ quick = false }: { quick?: boolean } = {}): Promise<void> {
  const scale = quick ? 0.1 : 1;
  const plain = await measureRelay({ rttPackets: 2000 * scale, throughputPackets: 20_000 * scale });
  const slow = await measureRelay({
    rttPackets: Math.max(20, 100 * scale),
    throughputPackets: 1000 * scale,
    fault: { kind: 'latency', ms: 50, path: 'media' },
  });
  const us = (ms: number) => fmt(ms * 1000, 0);
  printTable(
    `UDP relay vs direct loopback path (${plain.payloadBytes}-byte datagrams, echo RTT in µs)`,
    ['path', 'packets', 'lost', 'p50 µs', 'p99 µs', 'max µs'],
    [
      [
        'direct',
        plain.direct.count,
        plain.direct.lost,
        us(plain.direct.p50),
        us(plain.direct.p99),
        us(plain.direct.max),
      ],
      [
        'relay',
        plain.relay.count,
        plain.relay.lost,
        us(plain.relay.p50),
        us(plain.relay.p99),
        us(plain.relay.max),
      ],
      ['added by relay', '', '', us(plain.addedP50Ms), us(plain.addedP99Ms), ''],
      [
        'relay + 50 ms each way',
        slow.relay.count,
        slow.relay.lost,
        us(slow.relay.p50),
        us(slow.relay.p99),
        us(slow.relay.max),
      ],
    ],
  );
  const t = plain.throughput;
  printTable(
    `UDP relay forwarding (window of 32 in flight)`,
    ['echoes/s', 'forwarded datagrams/s', 'Mbit/s (payload)', 'echoed', 'ms'],
    [
      [
        fmt(t.echoesPerSec, 0),
        fmt(t.forwardedPerSec, 0),
        fmt(t.mbps, 1),
        `${t.echoed}/${t.sent}`,
        fmt(t.durationMs, 0),
      ],
    ],
  );
}
