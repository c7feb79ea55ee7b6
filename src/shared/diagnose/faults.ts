/**
 * Injected faults against the incidents they caused: each fault kind has the cause class a
 * correct diagnosis gives it, and a fault is explained by an incident of that class on the same
 * subject (any subject for server faults) that starts within {@link MATCH_TOLERANCE_MS} of it.
 */
import type { TraceHeader, TraceRecord } from '../trace/records';
import type { CauseClass, FaultExplanation, Incident } from './types';
import { inRange } from './evidence';

/** Model ms an incident's start may lie from its fault's start and still be its explanation. */
export const MATCH_TOLERANCE_MS = 1500;

/** The cause class each injected fault kind should be diagnosed as (null: no trouble expected). */
export const EXPECTED_CAUSE: Readonly<Record<string, CauseClass | null>> = {
  blackhole: 'path-blackholed',
  reset: 'connection-reset',
  latency: 'high-latency',
  loss: 'lossy-path',
  bandwidth: 'bandwidth-limited',
  refuse: 'server-unreachable',
  'ip-change': 'network-change',
  'block-direct-udp': 'direct-udp-blocked',
  'block-turn-udp': 'udp-blocked',
  'block-turn-tcp': 'unknown',
  'server-stop': 'server-side',
  'server-crash': 'server-side',
  'server-start': null,
};

/**
 * Each injected fault among `records` (`fault` start records of a trace at `timeScale`) and the
 * incident that explains it. The incidents may come from a diagnosis of the same trace without
 * its faults ({@link withoutInjectedFaults}): that is how the engine proves it reads the
 * network, not the lab's notes.
 */
export function explainFaults(
  timeScale: number,
  records: readonly TraceRecord[],
  incidents: readonly Incident[],
): FaultExplanation[] {
  const out: FaultExplanation[] = [];
  const byStart = [...incidents].sort((a, b) => a.start - b.start);
  for (const r of records) {
    if (r.type !== 'fault' || r.phase !== 'start') continue;
    const expected = EXPECTED_CAUSE[r.kind];
    if (expected === null) continue;
    const expectedCause: CauseClass = expected ?? 'unknown';
    const start = r.t / timeScale;
    const subject = r.target.uid;
    const candidates = inRange(
      byStart,
      (i) => i.start,
      start - MATCH_TOLERANCE_MS,
      start + MATCH_TOLERANCE_MS,
    )
      .filter(
        (i) =>
          i.cause.class === expectedCause &&
          (subject === null || i.subject === subject) &&
          Math.abs(i.start - start) <= MATCH_TOLERANCE_MS,
      )
      .sort((a, b) => Math.abs(a.start - start) - Math.abs(b.start - start));
    const best = candidates[0];
    out.push({
      faultId: r.id,
      kind: r.kind,
      subject,
      start: Math.round(start),
      expectedCause,
      incidentId: best?.id ?? null,
      offsetMs: best ? Math.round(best.start - start) : null,
    });
  }
  return out;
}

/**
 * The runner's note of each scenario step (`step 3: fault uid=1 kind=blackhole`) and the fault
 * injector's own lines (`injector: fault f2 applied: …`): both name the fault outright.
 */
const STEP_LOG = /^(step \d+: |injector: )/;

/**
 * A lab trace as a customer's would be: no `fault` records, no scenario in the header, and none
 * of the runner's step notes: only what the clients, the server and the network showed.
 */
export function withoutInjectedFaults(input: { header: TraceHeader; records: readonly TraceRecord[] }): {
  header: TraceHeader;
  records: TraceRecord[];
} {
  return {
    header: { ...input.header, scenario: null },
    records: input.records.filter((r) => r.type !== 'fault' && !(r.type === 'log' && STEP_LOG.test(r.msg))),
  };
}
