/**
 * The lab's own stalls in the checker: a `stall` record that overlaps what decided a verdict
 * (longer than the verdict's jitter allowance) makes it `unreliable`, with the stall named in
 * real and model time; shorter, earlier or later stalls leave the verdict alone. And the
 * `timeline-start` mark anchors expectations that name no fault.
 */
import { describe, expect, it } from 'vitest';
import { checkTrace, formatReport, resultWord } from '../../../src/shared/check';
import { ExpectationSchema, type Expectation } from '../../../src/shared/scenario/schema';
import { TIMELINE_START_MARK } from '../../../src/shared/trace/records';
import { seedTrace, TraceBuilder } from './builder';

const exp = (e: Record<string, unknown>): Expectation => ExpectationSchema.parse(e);
const reconnecting = exp({ uid: 1, state: 'RECONNECTING', afterFault: 0, withinMs: [1000, 8000] });

/** A built trace with its records put in time order and numbered again (stalls added last). */
function inOrder(b: TraceBuilder): ReturnType<TraceBuilder['build']> {
  const built = b.build();
  const records = [...built.records].sort((x, y) => x.t - y.t).map((r, i) => ({ ...r, seq: i + 1 }));
  return { ...built, records };
}

/** The seed trace (time scale 0.1: fault at 500 real ms, RECONNECTING at 950) with one stall added. */
function withStall(
  t: number,
  ms: number,
  source: 'lab' | 'server' | 'page' = 'lab',
  uid: number | null = null,
) {
  return inOrder(seedTrace().stall(t, ms, source, uid));
}

describe('stalls in the checker', () => {
  it('makes a verdict unreliable when a stall overlaps the anchor-to-match span', () => {
    const report = checkTrace(withStall(700, 480), { expectations: [reconnecting] });
    const e = report.expectations[0]!;
    expect(e.verdict).toBe('unreliable');
    expect(e.outcome).toBe('within'); // what was measured is kept
    expect(e.stall).toMatchObject({ ms: 480, fromT: 220, t: 700, modelMs: 4800, source: 'lab' });
    expect(e.message).toContain(
      'the lab stalled 480 ms (real) at t = 0.7 s; at time scale 0.1 that is 4.8 s of model time',
    );
    expect(report.ok).toBe(false);
    expect(report.unreliable).toBe(1);
    expect(resultWord(report)).toBe('UNRELIABLE');
    const text = formatReport(report);
    expect(text).toMatch(/^ {2}UNRELIABLE {2}uid 1 /m);
    expect(text).toContain("the lab's own stalls (1)");
    expect(text).toMatch(/Result: UNRELIABLE \(0\/1 expectations, 0 violations, 1 unreliable\)/);
  });

  it('counts a stall that ended within the smallest timeout before a fault anchor', () => {
    // Liveness 4.5 s at 0.1 = 450 real ms: a stall ending at 100 (400 before the fault) counts.
    expect(checkTrace(withStall(100, 300), { expectations: [reconnecting] }).expectations[0]!.verdict).toBe(
      'unreliable',
    );
    // One that ended 460 ms before the fault does not.
    expect(checkTrace(withStall(40, 30), { expectations: [reconnecting] }).expectations[0]!.verdict).toBe(
      'pass',
    );
  });

  it('leaves the verdict alone for stalls after the match, or within the jitter allowance', () => {
    const after = checkTrace(withStall(2000, 900), { expectations: [reconnecting] });
    expect(after.expectations[0]!.verdict).toBe('pass');
    expect(after.findings.stalls).toHaveLength(1); // still listed among the findings
    // At 0.1 the allowance is 180 ms real either side; a 150 ms stall is inside it.
    const short = checkTrace(withStall(700, 150), { expectations: [reconnecting] });
    expect(short.expectations[0]!.verdict).toBe('pass');
    // With no allowance (unscaledJitterMs 0), the same stall decides it.
    const strict = checkTrace(withStall(700, 150), { expectations: [reconnecting], unscaledJitterMs: 0 });
    expect(strict.expectations[0]!.verdict).toBe('unreliable');
  });

  it('turns a failure into unreliable too (a false interruption is no network fault)', () => {
    const early = exp({ uid: 1, state: 'RECONNECTING', afterFault: 0, withinMs: [6000, 8000] });
    const plain = checkTrace(seedTrace().build(), { expectations: [early], unscaledJitterMs: 0 });
    expect(plain.expectations[0]!.verdict).toBe('fail');
    const stalled = checkTrace(withStall(900, 600), { expectations: [early], unscaledJitterMs: 0 });
    expect(stalled.expectations[0]!).toMatchObject({ verdict: 'unreliable', outcome: 'early' });
    expect(resultWord(stalled)).toBe('UNRELIABLE');
  });

  it('names the stalled process: the server child, or a participant page', () => {
    const server = checkTrace(withStall(700, 480, 'server'), { expectations: [reconnecting] });
    expect(server.expectations[0]!.message).toContain('the channel server stalled 480 ms (real)');
    const page = checkTrace(withStall(700, 480, 'page', 2), { expectations: [reconnecting] });
    expect(page.expectations[0]!.message).toContain("uid 2's browser page stalled 480 ms (real)");
  });

  it('a real failure elsewhere still makes the result FAIL', () => {
    const bad = exp({ uid: 1, state: 'CONNECTED', afterFaultEnd: 0, withinMs: [0, 100] });
    const report = checkTrace(withStall(700, 480), {
      expectations: [reconnecting, bad],
      unscaledJitterMs: 0,
    });
    expect(report.expectations.map((e) => e.verdict)).toEqual(['unreliable', 'fail']);
    expect(resultWord(report)).toBe('FAIL');
  });
});

describe('the timeline-start mark', () => {
  const startOnDirect = exp({ uid: 1, state: 'CONNECTED', withinMs: [0, 1000] });

  it('anchors expectations that name no fault (participants are set up before it)', () => {
    // At time scale 1: a browser took 2.6 s to start before the timeline; CONNECTED 400 ms after.
    const b = new TraceBuilder(1)
      .mark(2600, 'timeline start', TIMELINE_START_MARK)
      .state(2610, 1, 'DISCONNECTED', 'CONNECTING')
      .state(3000, 1, 'CONNECTING', 'CONNECTED');
    const e = checkTrace(b.build(), { expectations: [startOnDirect] }).expectations[0]!;
    expect(e).toMatchObject({ verdict: 'pass', anchor: { kind: 'start', t: 2600 }, delay: { ms: 400 } });
  });

  it('falls back to the trace start without one (older traces), and ignores other marks', () => {
    const b = new TraceBuilder(1)
      .mark(2600, 'a person wrote this')
      .state(2610, 1, 'DISCONNECTED', 'CONNECTING')
      .state(3000, 1, 'CONNECTING', 'CONNECTED');
    const e = checkTrace(b.build(), { expectations: [startOnDirect] }).expectations[0]!;
    expect(e).toMatchObject({ verdict: 'fail', outcome: 'late', anchor: { kind: 'start', t: 0 } });
  });

  it('ignores stalls before the timeline for expectations anchored at its start', () => {
    const b = new TraceBuilder(1)
      .stall(2500, 1500, 'lab')
      .mark(2600, 'timeline start', TIMELINE_START_MARK)
      .state(2610, 1, 'DISCONNECTED', 'CONNECTING')
      .state(3000, 1, 'CONNECTING', 'CONNECTED');
    expect(checkTrace(b.build(), { expectations: [startOnDirect] }).expectations[0]!.verdict).toBe('pass');
  });
});

describe('stalls and absent expectations', () => {
  // uid 2 never leaves in 0–20 s after the fault (0.1: 500 → 2500 real ms; user-left is at 2500).
  const stays = exp({
    observer: 2,
    event: 'user-left',
    peer: 1,
    afterFault: 0,
    withinMs: [0, 19_000],
    absent: true,
  });

  it('keeps a pass when the stall was early in the window (it could not have hidden an event)', () => {
    const report = checkTrace(withStall(1200, 300), { expectations: [stays] });
    expect(report.expectations[0]!.verdict).toBe('pass');
  });

  it('calls it unreliable when the stall ended within its own length of the window end', () => {
    // Window ends at 500 + 1900 = 2400 real ms; a 300 ms stall ending at 2300 could have pushed
    // an event from before 2400 to after it.
    const report = checkTrace(withStall(2300, 300), { expectations: [stays] });
    expect(report.expectations[0]).toMatchObject({ verdict: 'unreliable', outcome: 'absent' });
  });

  it('calls a present event unreliable when a stall came before it (it may have caused it)', () => {
    const never = exp({ uid: 1, state: 'RECONNECTING', afterFault: 0, withinMs: [0, 8000], absent: true });
    const report = checkTrace(withStall(900, 400), { expectations: [never] });
    expect(report.expectations[0]).toMatchObject({ verdict: 'unreliable', outcome: 'present' });
  });
});
