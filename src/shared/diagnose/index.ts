/**
 * The diagnosis engine (pure, engine-neutral; the CLI, the app and the renderer share it): reads
 * any trace — a lab run, a bundle's trace, an imported browser dump — and returns incidents
 * with their likely causes, the injected faults they explain, and a verdict.
 */
import type { TraceHeader, TraceRecord } from '../trace/records';
import { bandwidthIncident, lossIncident, outageIncident, rttIncident } from './classify';
import type { Outage, SubjectEvidence } from './connectivity';
import { detectOutages, explainDownlinks, gatherEvidence } from './connectivity';
import { TraceView } from './context';
import type { DraftIncident } from './evidence';
import { round1, uniqueSeqs } from './evidence';
import { explainFaults } from './faults';
import { bandwidthEpisodes, lossEpisodes, rttEpisodes } from './quality';
import { apiFailures, iceRestarts, pairChanges, rejoins, removals, serverRestarts } from './session';
import type { Diagnosis, DiagnosisSource, DiagnosisVerdict, FaultExplanation, Incident } from './types';

export * from './types';
export { EXPECTED_CAUSE, MATCH_TOLERANCE_MS, explainFaults, withoutInjectedFaults } from './faults';
export { formatDiagnosis, verdictLine } from './format';

/** What {@link diagnoseTrace} reads. */
export interface DiagnoseInput {
  header: TraceHeader;
  records: readonly TraceRecord[];
}

/** Diagnoses a trace (see the file comment). Records may come in any order. */
export function diagnoseTrace(input: DiagnoseInput): Diagnosis {
  const view = new TraceView(input.header, input.records);
  const evidence = new Map<number, SubjectEvidence>();
  for (const { subject } of view.subjects) evidence.set(subject, gatherEvidence(view, subject));
  if (!view.imported) explainDownlinks(evidence);
  const outages: Outage[] = [...evidence.values()].flatMap((ev) => detectOutages(view, ev));

  const servers = serverRestarts(view);
  const pairs = view.subjects
    .flatMap(({ subject }) => pairChanges(view, subject))
    .sort((a, b) => a.start - b.start);
  const context = { view, serverRestarts: servers, pairChanges: pairs };
  const drafts: DraftIncident[] = [
    ...outages.map((o) => outageIncident(o, context)),
    ...servers,
    ...pairs,
    ...lossEpisodes(view, outages).map((e) => lossIncident(e, view)),
    ...rttEpisodes(view, outages).map((e) => rttIncident(e, view)),
    ...bandwidthEpisodes(view, outages).map((e) => bandwidthIncident(e, view)),
    ...apiFailures(view),
    ...view.subjects.flatMap(({ subject }) => [
      ...iceRestarts(view, subject),
      ...rejoins(view, subject),
      ...removals(view, subject),
    ]),
  ];
  const incidents = finish(view, drafts);
  const faults = explainFaults(view.timeScale, view.records, incidents);
  return { source: sourceOf(view), incidents, faults, verdict: verdictOf(view, incidents, faults) };
}

function finish(view: TraceView, drafts: DraftIncident[]): Incident[] {
  return drafts
    .sort((a, b) => a.start - b.start || (a.subject ?? -1) - (b.subject ?? -1))
    .map((d, i) => ({
      id: `i${i + 1}`,
      kind: d.kind,
      start: round1(Math.max(0, d.start)),
      end: d.end === null ? null : round1(Math.max(d.start, d.end)),
      detectedAt: d.detectedAt === null ? null : round1(d.detectedAt),
      subject: d.subject,
      subjectLabel: view.label(d.subject),
      direction: d.direction,
      cause: { ...d.cause, confidence: Math.round(d.cause.confidence * 100) / 100 },
      summary: d.summary,
      evidence: uniqueSeqs(d.evidence),
      unreliable: view.stalledDuring(d.start, d.end ?? view.endT),
    }));
}

function sourceOf(view: TraceView): DiagnosisSource {
  const env = view.header.env as { source?: unknown; userAgent?: unknown };
  const scenario = view.header.scenario as { name?: unknown } | null;
  return {
    kind: typeof env.source === 'string' ? env.source : 'lab',
    startedAt: view.header.startedAt,
    timeScale: view.timeScale,
    records: view.records.length,
    durationMs: round1(view.endT),
    subjects: view.subjects,
    ...(scenario && typeof scenario.name === 'string' ? { scenario: scenario.name } : {}),
    ...(typeof env.userAgent === 'string' ? { userAgent: env.userAgent } : {}),
  };
}

function expectationCount(view: TraceView): number {
  const expect = (view.header.scenario as { expect?: unknown } | null)?.expect;
  return Array.isArray(expect) ? expect.length : 0;
}

function verdictOf(
  view: TraceView,
  incidents: readonly Incident[],
  faults: readonly FaultExplanation[],
): DiagnosisVerdict {
  const expectations = expectationCount(view);
  const explained = faults.filter((f) => f.incidentId !== null).length;
  const n = incidents.length;
  const found = n === 0 ? 'no incidents found' : `${n} incident${n === 1 ? '' : 's'}`;
  const parts = [
    expectations === 0
      ? `no expectations; ${found}`
      : `${expectations} expectation${expectations === 1 ? '' : 's'}; ${found}`,
  ];
  if (faults.length > 0)
    parts.push(`${explained}/${faults.length} injected fault${faults.length === 1 ? '' : 's'} explained`);
  return {
    expectations,
    incidents: n,
    injectedFaults: faults.length,
    explainedFaults: explained,
    text: parts.join('; '),
  };
}
