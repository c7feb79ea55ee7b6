/**
 * The diagnosis check of a lab run: the trace re-read as a customer's (no fault records, no
 * scenario, no step notes) must show, for every injected fault, an incident of the fault kind's
 * cause class on the faulted subject starting within 1.5 s (model) of the fault's start.
 */
import { expect } from 'vitest';
import type { TraceHeader, TraceRecord } from '../../src/shared';
import {
  diagnoseTrace,
  explainFaults,
  formatDiagnosis,
  withoutInjectedFaults,
  type FaultExplanation,
} from '../../src/shared/diagnose';

/** Diagnoses the run blind and asserts every fault is explained; returns the explanations. */
export function expectFaultsDiagnosed(run: {
  header: TraceHeader;
  records: readonly TraceRecord[];
}): FaultExplanation[] {
  const blind = diagnoseTrace(withoutInjectedFaults(run));
  const faults = explainFaults(run.header.timeScale, run.records, blind.incidents);
  const text = `${formatDiagnosis(blind)}\n${JSON.stringify(faults)}`;
  expect(faults.length, text).toBeGreaterThan(0);
  for (const f of faults)
    expect(f.incidentId, `${f.faultId} (${f.kind}) not explained:\n${text}`).not.toBeNull();
  const scenario = (run.header.scenario as { name?: string } | null)?.name ?? '?';
  for (const f of faults) {
    const incident = blind.incidents.find((i) => i.id === f.incidentId)!;
    console.info(
      `diagnosis ${scenario}: ${f.kind} on ${f.subject ?? 'server'} at ${(f.start / 1000).toFixed(1)} s → ${incident.kind} ${incident.cause.class} (${f.offsetMs! >= 0 ? '+' : ''}${f.offsetMs} ms)`,
    );
  }
  return faults;
}
