/** Traces for report tests: a plain one with a fault, and one full of hostile strings. */
import type { TraceHeader, TraceRecord } from '../../../src/shared/trace/records';
import { makeHeader } from '../../../src/shared/trace/serialize';
import { TraceBuilder } from '../check/builder';

/** Two clients, one blackhole fault on uid 1, stats, and two expectations. */
export function sampleTrace(): { header: TraceHeader; records: TraceRecord[] } {
  const header = makeHeader({
    timeScale: 1,
    app: { name: 'faultline', version: 'test' },
    scenario: {
      name: 'sample',
      expect: [
        { client: 1, state: 'RECONNECTING', afterFault: 0, withinMs: 5000 },
        { client: 2, peerEvent: 'user-left', peer: 1, absent: true },
      ],
    },
  });
  const b = new TraceBuilder();
  b.state(0, 1, 'DISCONNECTED', 'CONNECTING')
    .state(10, 1, 'CONNECTING', 'CONNECTED')
    .state(12, 2, 'DISCONNECTED', 'CONNECTING')
    .state(20, 2, 'CONNECTING', 'CONNECTED')
    .peer(25, 2, 'user-joined', 1)
    .fault(1000, 'f1', 'start')
    .state(3000, 1, 'CONNECTED', 'RECONNECTING')
    .fault(6000, 'f1', 'end')
    .state(6500, 1, 'RECONNECTING', 'CONNECTED');
  const records: TraceRecord[] = [...b.records];
  for (let t = 100; t < 7000; t += 500)
    records.push({
      seq: records.length + 1,
      t,
      uid: 1,
      type: 'stats',
      rttMs: 20,
      lossPct: t > 1000 && t < 6000 ? 100 : 0,
      jitterMs: 2,
      sendKbps: 300,
      recvKbps: null,
    });
  return { header, records };
}

const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'`&';

/** Hostile strings in the scenario name, labels, log messages, causes, fault ids and extra fields. */
export function hostileTrace(): { header: TraceHeader; records: TraceRecord[] } {
  const header = makeHeader({
    timeScale: 1,
    app: { name: XSS, version: XSS },
    scenario: { name: XSS, expect: [{ client: 1, state: 'CONNECTED', withinMs: 1000, label: XSS }, 'junk'] },
  });
  let seq = 0;
  const r = (x: Record<string, unknown>): TraceRecord => ({ seq: ++seq, uid: 1, ...x }) as TraceRecord;
  const records = [
    r({ t: 0, type: 'state', from: 'DISCONNECTED', to: 'CONNECTING', cause: XSS }),
    r({ t: 5, type: 'state', from: 'CONNECTING', to: 'CONNECTED', [XSS]: XSS }),
    r({ t: 6, type: 'mark', label: XSS }),
    r({ t: 7, type: 'log', level: 'error', msg: XSS, token: 's3cr3t-token' }),
    r({
      t: 8,
      type: 'fault',
      uid: null,
      id: XSS,
      phase: 'start',
      kind: XSS,
      target: { uid: 1, path: XSS },
      params: { x: XSS },
    }),
    r({ t: 9, type: 'peer', event: 'user-joined', peer: 2, reason: XSS }),
    r({ t: 10, type: 'signal', dir: 'rx', msg: XSS }),
  ];
  return { header, records };
}
