/** A small deterministic trace with every record type, for codec and reader tests. */
import type { TraceHeader, TraceRecord } from '../../../src/shared/trace/records';
import { makeHeader } from '../../../src/shared/trace/serialize';

/** A header with a scenario and some config. */
export function sampleHeader(): TraceHeader {
  return makeHeader({
    startedAt: '2026-01-02T03:04:05.678Z',
    timeScale: 0.1,
    app: { name: 'faultline', version: '0.1.0' },
    env: { node: 'v20', engine: 'wrtc' },
    config: { heartbeatIntervalMs: 2000 },
    scenario: { name: 'x', expect: [] },
  });
}

/** `n` records cycling through every type, with seq 1..n and t growing by 1.5 ms. */
export function sampleRecords(n: number): TraceRecord[] {
  const out: TraceRecord[] = [];
  for (let i = 0; i < n; i++) {
    const seq = i + 1;
    const t = Math.round(i * 15) / 10;
    const uid = (i % 3) + 1;
    switch (i % 9) {
      case 0:
        out.push({ seq, t, type: 'state', uid, from: 'DISCONNECTED', to: 'CONNECTING' });
        break;
      case 1:
        out.push({ seq, t, type: 'peer', uid, event: 'user-published', peer: 7, mediaType: 'video' });
        break;
      case 2:
        out.push({
          seq,
          t,
          type: 'reconnect',
          uid,
          attempt: i,
          phase: 'failure',
          delayMs: 500,
          error: 'ECONNREFUSED',
        });
        break;
      case 3:
        out.push({ seq, t, type: 'media', uid, event: 'ice-state', pc: 'sub', value: 'connected' });
        break;
      case 4:
        out.push({ seq, t, type: 'signal', uid, dir: 'rx', msg: 'pong' });
        break;
      case 5:
        out.push({
          seq,
          t,
          type: 'stats',
          uid,
          rttMs: 20.5,
          lossPct: 1.25,
          jitterMs: null,
          sendKbps: 900,
          recvKbps: 1200,
          raw: { engine: 'wrtc', 'é ✓': 'unicode ✓ 日本' },
        });
        break;
      case 6:
        out.push({
          seq,
          t,
          type: 'fault',
          uid: null,
          id: `f${i}`,
          phase: 'start',
          kind: 'latency',
          target: { uid, path: 'all', direction: 'both' },
          params: { ms: 200 },
        });
        break;
      case 7:
        out.push({ seq, t, type: 'mark', uid: null, label: `mark ${i} "quoted"\nnewline` });
        break;
      default:
        out.push({ seq, t, type: 'log', uid: null, level: 'warn', msg: `log ${i}` });
    }
  }
  return out;
}
