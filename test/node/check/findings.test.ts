/** Findings on synthetic traces with known times, and the text report. */
import { describe, expect, it } from 'vitest';
import { checkTrace, formatReport } from '../../../src/shared/check';
import { ExpectationSchema } from '../../../src/shared/scenario/schema';
import { seedTrace, TraceBuilder } from './builder';

describe('findings', () => {
  it('measures detection, recovery, attempts and what the observer saw on the seed timeline', () => {
    const report = checkTrace(seedTrace().build());
    const [fault] = report.findings.faults;
    expect(fault).toMatchObject({
      index: 0,
      id: 'f1',
      kind: 'blackhole',
      startT: 500,
      endT: 3000,
      duration: { ms: 25000, realMs: 2500 },
    });
    expect(fault!.clients).toHaveLength(1);
    const c = fault!.clients[0]!;
    expect(c).toMatchObject({
      uid: 1,
      detection: { ms: 4500, realMs: 450 },
      stateAtEnd: 'RECONNECTING',
      recovery: { ms: 500, realMs: 50 },
      outage: { ms: 21000, realMs: 2100 },
      recoveredAt: 3050,
      reconnectAttempts: 3,
    });
    expect(c.observers).toEqual([
      {
        observer: 2,
        unpublished: { ms: 10000, realMs: 1000 },
        unpublishedByKind: { audio: { ms: 10000, realMs: 1000 }, video: { ms: 10010, realMs: 1001 } },
        left: { ms: 20000, realMs: 2000 },
        joined: { ms: -50, realMs: -5 },
        published: { ms: 500, realMs: 50 },
      },
    ]);
    expect(report.findings.mediaReconnects).toEqual([
      { uid: 1, pc: 'pub', startT: 600, endT: 3080, duration: { ms: 24800, realMs: 2480 }, faultIndex: 0 },
    ]);
  });

  it('a short fault the client rides out: no detection, no recovery, observers saw nothing', () => {
    const b = new TraceBuilder()
      .join(0, 1)
      .join(40, 2)
      .peer(80, 2, 'user-joined', 1)
      .fault(100, 'blip', 'start', 'latency', 1)
      .fault(300, 'blip', 'end', 'latency', 1);
    const c = checkTrace(b.build()).findings.faults[0]!.clients[0]!;
    expect(c).toMatchObject({
      detection: null,
      recovery: null,
      outage: null,
      stateAtEnd: 'CONNECTED',
      reconnectAttempts: 0,
    });
    expect(c.observers).toEqual([
      { observer: 2, unpublished: null, unpublishedByKind: {}, left: null, joined: null, published: null },
    ]);
  });

  it('a server fault affects every client; measures stop at the next fault on the same client', () => {
    const b = new TraceBuilder(1)
      .join(0, 1)
      .join(40, 2)
      .fault(100, 's', 'start', 'server-crash', null)
      .state(150, 1, 'CONNECTED', 'RECONNECTING')
      .state(160, 2, 'CONNECTED', 'RECONNECTING')
      .reconnect(170, 1, 1, 'start')
      .fault(200, 's', 'end', 'server-crash', null)
      .state(230, 1, 'RECONNECTING', 'CONNECTED')
      .fault(300, 'x', 'start', 'blackhole', 2)
      .fault(400, 'x', 'end', 'blackhole', 2)
      .state(450, 2, 'RECONNECTING', 'CONNECTED');
    const [server, client] = checkTrace(b.build()).findings.faults;
    expect(server!.clients.map((c) => c.uid)).toEqual([1, 2]);
    expect(server!.clients[0]).toMatchObject({
      detection: { ms: 50 },
      recovery: { ms: 30 },
      reconnectAttempts: 1,
    });
    // uid 2 was still RECONNECTING when the next fault on it started: not attributed to the server fault.
    expect(server!.clients[1]).toMatchObject({
      detection: { ms: 60 },
      recovery: null,
      stateAtEnd: 'RECONNECTING',
    });
    expect(client!.clients).toHaveLength(1);
    expect(client!.clients[0]).toMatchObject({
      uid: 2,
      detection: null,
      recovery: { ms: 50 },
      stateAtEnd: 'RECONNECTING',
    });
  });

  it('an unfinished fault and an unfinished media reconnect are reported as open', () => {
    const b = new TraceBuilder()
      .join(0, 1)
      .fault(50, 'open', 'start')
      .media(60, 1, 'media-reconnect-start', 'sub');
    const report = checkTrace(b.build());
    expect(report.findings.faults[0]).toMatchObject({ endT: null, duration: null });
    expect(report.findings.mediaReconnects[0]).toMatchObject({ endT: null, duration: null, faultIndex: 0 });
    expect(formatReport(report)).toMatch(/never ends/);
  });
});

describe('formatReport', () => {
  const expectations = [
    { label: 'T7', observer: 2, event: 'user-unpublished', peer: 1, afterFault: 0, withinMs: [9700, 11500] },
    { observer: 2, event: 'user-left', peer: 1, afterFault: 0, withinMs: [0, 1000] },
  ].map((e) => ExpectationSchema.parse(e));

  it('lists each expectation with its measured time and PASS/FAIL, then findings and the result', () => {
    const report = checkTrace(seedTrace().build(), { expectations });
    const text = formatReport(report);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Expectations: 1/2 pass');
    expect(lines[1]).toBe('  PASS  T7: 10000 ms (1000 ms real) (seq 14), within 9700–11500 ms');
    expect(lines[2]).toBe(
      '  FAIL  uid 2 sees user-left of uid 1 0–1000 ms after fault 0 starts: 20000 ms (2000 ms real) (seq 17), too late for 0–1000 ms',
    );
    expect(text).toMatch(/Model: no violations/);
    expect(text).toMatch(/fault 0 \(f1\) blackhole on uid 1: t=500–3000 ms, lasts 25000 ms \(2500 ms real\)/);
    expect(text).toMatch(
      /uid 1: RECONNECTING after 4500 ms \(450 ms real\); CONNECTED \+500 ms \(50 ms real\) after the fault ended; outage 21000 ms \(2100 ms real\); 3 reconnect attempt\(s\)/,
    );
    expect(text).toMatch(
      /seen by uid 2: user-unpublished \+10000 ms .*user-left \+20000 ms .*user-joined -50 ms .*after recovery/,
    );
    expect(text).toMatch(/uid 1 pub: t=600–3080 ms, 24800 ms \(2480 ms real\) \(fault 0\)/);
    expect(lines.at(-1)).toBe('Result: FAIL (1/2 expectations, 0 violations)');
  });

  it('speaks the legacy vocabulary when asked', () => {
    const report = checkTrace(seedTrace().build(), { expectations });
    const text = formatReport(report, { vocabulary: 'legacy' });
    expect(text).toMatch(/stream-removed \+10000 ms/);
    expect(text).toMatch(/peer-leave \+20000 ms/);
    expect(text).toMatch(/peer-online .*after recovery/);
    expect(text).toMatch(/stream-added .*after recovery/);
    expect(text).toMatch(/sees peer-leave of uid 1/);
    expect(text).not.toMatch(/user-(left|joined|published|unpublished)|RECONNECTING/);
  });

  it('lists violations with seq and t, capped', () => {
    const b = new TraceBuilder();
    for (let i = 0; i < 5; i++) b.peer(i, 2, 'user-left', 1);
    const text = formatReport(checkTrace(b.build()), { maxViolations: 2 });
    expect(text).toMatch(/Model: 5 violation\(s\)\n {2}seq 1 t=0 ms: uid 2 reports user-left about uid 1/);
    expect(text).toMatch(/… and 3 more/);
    expect(text.split('\n').at(-1)).toBe('Result: FAIL (0/0 expectations, 5 violations)');
  });
});
