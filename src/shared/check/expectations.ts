/**
 * Scenario expectations against a trace: find the anchor (the timeline's start, or the N-th
 * fault's start or end), then the first matching record at or after it, and judge its delay
 * against the window `withinMs` × timeScale, widened for the real-time jitter that time scaling
 * magnifies (see `CheckOptions.unscaledJitterMs`). A verdict the lab's own stall may have
 * decided is `unreliable` instead.
 */
import type { Vocabulary } from '../model/vocabulary';
import type { Expectation } from '../scenario/schema';
import type { TraceRecord } from '../trace/records';
import { toDelay } from './faults';
import type { FaultWindow } from './faults';
import { describeExpectation, fmtMs } from './messages';
import { stallOverlapping } from './stalls';
import type { ExpectationAnchor, ExpectationResult, StallFinding } from './types';

/** Slack for the 0.1 ms rounding of `t`, in real ms. */
const EPSILON_MS = 0.051;

function matches(e: Expectation, r: TraceRecord): boolean {
  if (e.event !== undefined) {
    return (
      r.type === 'peer' &&
      r.uid === e.observer &&
      r.event === e.event &&
      (e.peer === undefined || r.peer === e.peer) &&
      (e.mediaType === undefined || r.mediaType === e.mediaType)
    );
  }
  if (e.candidatePair !== undefined) {
    return (
      r.type === 'media' &&
      r.event === 'candidate-pair' &&
      r.uid === e.uid &&
      r.value === e.candidatePair &&
      (e.pc === undefined || r.pc === e.pc)
    );
  }
  return r.type === 'state' && r.uid === e.uid && r.to === e.state;
}

function anchorOf(
  e: Expectation,
  faults: readonly FaultWindow[],
  timelineStartT: number,
): { anchor: ExpectationAnchor; problem?: string } {
  if (e.afterFault !== undefined) {
    const f = faults[e.afterFault];
    if (!f) {
      return {
        anchor: { kind: 'fault-start', fault: e.afterFault, t: null },
        problem: `fault ${e.afterFault} is not in the trace (it has ${faults.length} fault(s))`,
      };
    }
    return { anchor: { kind: 'fault-start', fault: e.afterFault, faultId: f.id, t: f.startT } };
  }
  if (e.afterFaultEnd !== undefined) {
    const f = faults[e.afterFaultEnd];
    if (!f) {
      return {
        anchor: { kind: 'fault-end', fault: e.afterFaultEnd, t: null },
        problem: `fault ${e.afterFaultEnd} is not in the trace (it has ${faults.length} fault(s))`,
      };
    }
    if (f.endT === null) {
      return {
        anchor: { kind: 'fault-end', fault: e.afterFaultEnd, faultId: f.id, t: null },
        problem: `fault ${e.afterFaultEnd} (${f.id}) never ends in the trace`,
      };
    }
    return { anchor: { kind: 'fault-end', fault: e.afterFaultEnd, faultId: f.id, t: f.endT } };
  }
  return { anchor: { kind: 'start', t: timelineStartT } };
}

/** What every expectation of one trace is judged against. */
export interface ExpectationContext {
  /** The trace's records, in seq order. */
  records: readonly TraceRecord[];
  faults: readonly FaultWindow[];
  timeScale: number;
  vocabulary: Vocabulary;
  /** See `CheckOptions.unscaledJitterMs`. */
  unscaledJitterMs: number;
  /**
   * Trace time the scenario's timeline started (its `timeline-start` mark; 0 for a trace
   * without one): the anchor of expectations that name no fault.
   */
  timelineStartT: number;
  /** The lab's own stalls (`stall` records). */
  stalls: readonly StallFinding[];
  /** How far before a fault anchor a stall still matters (real ms; see `stallLookbackMs`). */
  stallLookbackMs: number;
}

/**
 * Judges one expectation; `unreliable` when a stall longer than its allowance overlaps the time
 * that decided it: from the anchor (for a fault anchor, the smallest timeout before it) to the
 * record measured, or to the window's end when none was — or, for an `absent` expectation that
 * held, the window's last stretch, the only place a stall could have pushed an event out of.
 */
export function evaluateExpectation(
  e: Expectation,
  index: number,
  ctx: ExpectationContext,
): ExpectationResult {
  const result = judge(e, index, ctx);
  if (result.anchor.t === null || result.window === null) return result;
  let stall: StallFinding | null;
  if (result.outcome === 'absent') {
    // Nothing happened in the window: a stall can only have hidden an event by delaying it past
    // the window's end, which takes a stall that ends within its own length of that end.
    const end = result.window.to;
    const nearEnd = ctx.stalls.filter((s) => s.t >= end - s.ms);
    stall = stallOverlapping(nearEnd, Number.NEGATIVE_INFINITY, end, result.slackMs);
  } else {
    const from = result.anchor.t - (result.anchor.kind === 'start' ? 0 : ctx.stallLookbackMs);
    const to = result.match ? result.match.t : result.window.to + result.slackMs;
    stall = stallOverlapping(ctx.stalls, from, to, result.slackMs);
  }
  if (!stall) return result;
  return {
    ...result,
    verdict: 'unreliable',
    stall,
    message: `unreliable: ${stall.message} (measured: ${result.message})`,
  };
}

/**
 * Real ms a window is widened by on each side at `timeScale`: the jitter a scaled run magnifies
 * (jitter J real ms reads as J ÷ s scenario ms, of which J would be there at s = 1).
 */
export function unscaledSlackMs(timeScale: number, unscaledJitterMs: number): number {
  return timeScale < 1 ? Math.round(Math.max(0, unscaledJitterMs) * (1 - timeScale) * 10) / 10 : 0;
}

/** Judges one expectation on what was measured alone. */
function judge(e: Expectation, index: number, ctx: ExpectationContext): ExpectationResult {
  const { records, faults, timeScale } = ctx;
  const label = e.label ?? describeExpectation(e, ctx.vocabulary);
  const { anchor, problem } = anchorOf(e, faults, ctx.timelineStartT);
  const base = { index, expectation: e, label, anchor, slackMs: 0 };
  if (problem !== undefined || anchor.t === null) {
    return {
      ...base,
      verdict: 'fail',
      outcome: 'no-anchor',
      window: null,
      match: null,
      delay: null,
      message: `cannot judge: ${problem}`,
    };
  }
  const at = anchor.t;
  const [lo, hi] = e.withinMs;
  const window = { from: at + lo * timeScale, to: at + hi * timeScale };
  const range = `${fmtMs(lo)}–${fmtMs(hi)} ms`;

  if (e.absent) {
    const hit = records.find(
      (r) => r.t >= window.from - EPSILON_MS && r.t <= window.to + EPSILON_MS && matches(e, r),
    );
    if (!hit) {
      return {
        ...base,
        verdict: 'pass',
        outcome: 'absent',
        window,
        match: null,
        delay: null,
        message: `none in ${range}, as expected`,
      };
    }
    const delay = toDelay(hit.t - at, timeScale);
    return {
      ...base,
      verdict: 'fail',
      outcome: 'present',
      window,
      match: { seq: hit.seq, t: hit.t },
      delay,
      message: `happened at ${fmtMs(delay.ms)} ms (seq ${hit.seq}), inside ${range} where it must not`,
    };
  }

  const hit = records.find((r) => r.t >= at && matches(e, r));
  if (!hit) {
    return {
      ...base,
      verdict: 'fail',
      outcome: 'missing',
      window,
      match: null,
      delay: null,
      message: `never happened after the anchor (expected ${range})`,
    };
  }
  const delay = toDelay(hit.t - at, timeScale);
  const real = hit.t - at;
  const slackMs = unscaledSlackMs(timeScale, ctx.unscaledJitterMs);
  const early = real < lo * timeScale - slackMs - EPSILON_MS;
  const late = real > hi * timeScale + slackMs + EPSILON_MS;
  const outside = real < lo * timeScale - EPSILON_MS || real > hi * timeScale + EPSILON_MS;
  const measured = `${fmtMs(delay.ms)} ms (seq ${hit.seq})`;
  const allowance = `${fmtMs(slackMs)} ms real allowed either side for jitter time scale ${timeScale} cannot shrink`;
  return {
    ...base,
    slackMs,
    verdict: early || late ? 'fail' : 'pass',
    outcome: early ? 'early' : late ? 'late' : 'within',
    window,
    match: { seq: hit.seq, t: hit.t },
    delay,
    message: early
      ? `too early: ${measured}, expected ${range}${slackMs > 0 ? ` (${allowance})` : ''}`
      : late
        ? `too late: ${measured}, expected ${range}${slackMs > 0 ? ` (${allowance})` : ''}`
        : outside
          ? `${measured}, within ${range} with the ${allowance}`
          : `${measured}, within ${range}`,
  };
}
