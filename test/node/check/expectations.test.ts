/**
 * Expectations on hand-built traces: every kind (state, peer event, with mediaType, absent) and
 * every anchor (start, N-th fault start, N-th fault end), pass and fail, with measured delays in
 * scenario and real ms.
 */
import { describe, expect, it } from 'vitest';
import { checkTrace, formatReport } from '../../../src/shared/check';
import type { Expectation } from '../../../src/shared/scenario/schema';
import { ExpectationSchema } from '../../../src/shared/scenario/schema';
import { seedTrace, TraceBuilder } from './builder';

const exp = (e: Record<string, unknown>): Expectation => ExpectationSchema.parse(e);

/** Judges one expectation with exact windows (no allowance for unscaled jitter) unless told. */
function judge(e: Record<string, unknown>, b = seedTrace(), unscaledJitterMs = 0) {
  const report = checkTrace(b.build(), { expectations: [exp(e)], unscaledJitterMs });
  return report.expectations[0]!;
}

describe('expectations on the seed timeline (timeScale 0.1)', () => {
  it.each<[string, Record<string, unknown>, 'pass' | 'fail', number | null, RegExp]>([
    [
      'state after fault start',
      { uid: 1, state: 'RECONNECTING', afterFault: 0, withinMs: [1000, 8000] },
      'pass',
      4500,
      /within/,
    ],
    [
      'state too early',
      { uid: 1, state: 'RECONNECTING', afterFault: 0, withinMs: [5000, 8000] },
      'fail',
      4500,
      /too early/,
    ],
    [
      'state too late',
      { uid: 1, state: 'RECONNECTING', afterFault: 0, withinMs: [1000, 3000] },
      'fail',
      4500,
      /too late/,
    ],
    [
      'state after fault end',
      { uid: 1, state: 'CONNECTED', afterFaultEnd: 0, withinMs: [0, 3000] },
      'pass',
      500,
      /within/,
    ],
    ['state from the start', { uid: 1, state: 'CONNECTED', withinMs: [0, 1000] }, 'pass', 400, /within/],
    [
      'state from the start, explicit',
      { uid: 1, state: 'CONNECTED', withinMs: [0, 300] },
      'fail',
      400,
      /too late/,
    ],
    [
      'user-unpublished ~10 s',
      { observer: 2, event: 'user-unpublished', peer: 1, afterFault: 0, withinMs: [9700, 11500] },
      'pass',
      10000,
      /within/,
    ],
    [
      'user-unpublished of video',
      {
        observer: 2,
        event: 'user-unpublished',
        peer: 1,
        mediaType: 'video',
        afterFault: 0,
        withinMs: [10005, 10020],
      },
      'pass',
      10010,
      /within/,
    ],
    [
      'user-left ~20 s',
      { observer: 2, event: 'user-left', peer: 1, afterFault: 0, withinMs: [17500, 22500] },
      'pass',
      20000,
      /within/,
    ],
    [
      'user-left expected earlier',
      { observer: 2, event: 'user-left', peer: 1, afterFault: 0, withinMs: [0, 15000] },
      'fail',
      20000,
      /too late/,
    ],
    [
      'user-joined after the fault ends',
      { observer: 2, event: 'user-joined', peer: 1, afterFaultEnd: 0, withinMs: [0, 4000] },
      'pass',
      450,
      /within/,
    ],
    [
      'an event that never happens',
      { observer: 1, event: 'user-left', peer: 2, afterFault: 0, withinMs: [0, 30000] },
      'fail',
      null,
      /never happened/,
    ],
    [
      'absent, and indeed absent in the window',
      { observer: 2, event: 'user-left', peer: 1, afterFault: 0, withinMs: [0, 15000], absent: true },
      'pass',
      null,
      /none in/,
    ],
    [
      'absent, but it happens in the window',
      { observer: 2, event: 'user-left', peer: 1, afterFault: 0, withinMs: [0, 25000], absent: true },
      'fail',
      20000,
      /must not/,
    ],
    [
      'absent state',
      { uid: 1, state: 'DISCONNECTED', afterFault: 0, withinMs: [0, 25000], absent: true },
      'pass',
      null,
      /none in/,
    ],
    [
      'a fault the trace does not have',
      { uid: 1, state: 'RECONNECTING', afterFault: 1, withinMs: [0, 8000] },
      'fail',
      null,
      /fault 1 is not in the trace \(it has 1 fault/,
    ],
  ])('%s', (_name, e, verdict, delayMs, message) => {
    const r = judge(e);
    expect(r.verdict).toBe(verdict);
    expect(r.delay?.ms ?? null).toBe(delayMs);
    if (delayMs !== null) expect(r.delay!.realMs).toBeCloseTo(delayMs * 0.1, 5);
    expect(r.message).toMatch(message);
  });

  it('a fault that never ends cannot anchor afterFaultEnd', () => {
    const b = new TraceBuilder().join(0, 1).fault(100, 'f', 'start');
    const r = judge({ uid: 1, state: 'CONNECTED', afterFaultEnd: 0, withinMs: [0, 100] }, b);
    expect(r.verdict).toBe('fail');
    expect(r.message).toMatch(/never ends/);
  });

  it('numbers faults by start time, counting client and server faults', () => {
    const b = new TraceBuilder()
      .join(0, 1)
      .join(40, 2)
      .fault(100, 'srv', 'start', 'server-stop', null)
      .fault(150, 'late-id-first', 'start', 'latency', 2)
      .state(300, 1, 'CONNECTED', 'RECONNECTING')
      .state(320, 2, 'CONNECTED', 'RECONNECTING')
      .fault(400, 'srv', 'end', 'server-stop', null)
      .fault(450, 'late-id-first', 'end', 'latency', 2)
      .state(500, 1, 'RECONNECTING', 'CONNECTED')
      .state(520, 2, 'RECONNECTING', 'CONNECTED');
    const report = checkTrace(b.build(), {
      expectations: [
        exp({ uid: 1, state: 'RECONNECTING', afterFault: 0, withinMs: [200, 200] }),
        exp({ uid: 2, state: 'RECONNECTING', afterFault: 1, withinMs: [170, 170] }),
        exp({ uid: 2, state: 'CONNECTED', afterFaultEnd: 1, withinMs: [70, 70] }),
        exp({ uid: 1, state: 'CONNECTED', afterFaultEnd: 0, withinMs: [100, 100] }),
      ],
    });
    expect(report.expectations.map((e) => [e.verdict, e.anchor.faultId])).toEqual([
      ['pass', 'srv'],
      ['pass', 'late-id-first'],
      ['pass', 'late-id-first'],
      ['pass', 'srv'],
    ]);
    expect(report.ok).toBe(true);
  });

  it('defaults to the expectations of header.scenario', () => {
    const scenario = {
      name: 'seed',
      expect: [
        { observer: 2, event: 'user-left', peer: 1, afterFault: 0, withinMs: [17500, 22500] },
        { observer: 2, event: 'user-left', peer: 1, afterFault: 0, withinMs: [0, 1000] },
      ],
    };
    const report = checkTrace(seedTrace(scenario).build());
    expect(report.expectations.map((e) => e.verdict)).toEqual(['pass', 'fail']);
    expect(report.ok).toBe(false);
    // Explicit expectations replace the header's.
    expect(checkTrace(seedTrace(scenario).build(), { expectations: [] }).ok).toBe(true);
  });

  it('an invalid expectation in the header fails with a warning instead of throwing', () => {
    const report = checkTrace(seedTrace({ expect: [{ observer: 2, withinMs: [5, 1] }, 'junk'] }).build());
    expect(report.expectations.map((e) => e.verdict)).toEqual(['fail', 'fail']);
    expect(report.warnings).toHaveLength(2);
    expect(formatReport(report)).toMatch(/FAIL {2}expectation 0 \(invalid\)/);
    expect(checkTrace(seedTrace({ expect: 'nope' }).build()).warnings[0]).toMatch(/not a list/);
  });

  it('legacy profile: legacy names in generated labels, same verdicts', () => {
    const e = [
      exp({ observer: 2, event: 'user-unpublished', peer: 1, afterFault: 0, withinMs: [9700, 11500] }),
      exp({ uid: 1, state: 'RECONNECTING', afterFault: 0, withinMs: [1000, 3000] }),
    ];
    const ng = checkTrace(seedTrace().build(), { expectations: e, profile: 'ng' });
    const legacy = checkTrace(seedTrace().build(), { expectations: e, profile: 'legacy' });
    expect(legacy.expectations.map((x) => x.verdict)).toEqual(ng.expectations.map((x) => x.verdict));
    expect(ng.expectations[0]!.label).toBe(
      'uid 2 sees user-unpublished of uid 1 9700–11500 ms after fault 0 starts',
    );
    expect(legacy.expectations[0]!.label).toBe(
      'uid 2 sees stream-removed of uid 1 9700–11500 ms after fault 0 starts',
    );
    expect(legacy.expectations[1]!.label).toMatch(/uid 1 enters CONNECTING/);
  });
});

describe('the allowance for jitter no time scale shrinks', () => {
  // seedTrace: RECONNECTING at 450 ms real after the fault = 4500 scenario ms at timeScale 0.1.
  const reconnecting = (lo: number, hi: number) => ({
    uid: 1,
    state: 'RECONNECTING',
    afterFault: 0,
    withinMs: [lo, hi],
  });

  it('widens each side by jitter × (1 − timeScale) real ms, and says so when it mattered', () => {
    // 200 ms × 0.9 = 180 ms real = 1800 scenario ms either side.
    const early = judge(reconnecting(6000, 8000), seedTrace(), 200);
    expect([early.verdict, early.outcome, early.slackMs]).toEqual(['pass', 'within', 180]);
    expect(early.message).toMatch(
      /4500 ms \(seq \d+\), within 6000–8000 ms with the 180 ms real allowed either side for jitter time scale 0.1 cannot shrink/,
    );
    const late = judge(reconnecting(1000, 2800), seedTrace(), 200);
    expect([late.verdict, late.outcome]).toEqual(['pass', 'within']);

    const tooEarly = judge(reconnecting(6400, 8000), seedTrace(), 200);
    expect([tooEarly.verdict, tooEarly.outcome]).toEqual(['fail', 'early']);
    expect(tooEarly.message).toMatch(/too early: 4500 ms .*expected 6400–8000 ms \(180 ms real allowed/);
    const tooLate = judge(reconnecting(1000, 2600), seedTrace(), 200);
    expect([tooLate.verdict, tooLate.outcome]).toEqual(['fail', 'late']);

    // Inside the exact window the message is the plain one.
    expect(judge(reconnecting(4000, 5000), seedTrace(), 200).message).toMatch(/, within 4000–5000 ms$/);
  });

  it('is the default (200 ms), and is none at timeScale 1', () => {
    const report = checkTrace(seedTrace().build(), { expectations: [exp(reconnecting(6000, 8000))] });
    expect(report.expectations[0]!.slackMs).toBe(180);
    expect(report.expectations[0]!.verdict).toBe('pass');

    const realTime = new TraceBuilder(1)
      .join(0, 1)
      .fault(100, 'f', 'start')
      .state(600, 1, 'CONNECTED', 'RECONNECTING');
    const exact = checkTrace(realTime.build(), { expectations: [exp(reconnecting(501, 900))] })
      .expectations[0]!;
    expect([exact.verdict, exact.outcome, exact.slackMs]).toEqual(['fail', 'early', 0]);
  });

  it('never widens an absent expectation', () => {
    // Nothing in 5000–8000 ms; the RECONNECTING at 4500 ms lies inside the widened window only.
    const r = judge({ ...reconnecting(5000, 8000), absent: true }, seedTrace(), 200);
    expect([r.verdict, r.slackMs]).toEqual(['pass', 0]);
  });
});
