/**
 * A trace's diagnosis turned into a lab scenario: the participants the trace shows (each
 * publishing the kinds it sent), joined and publishing first, then one fault per incident at the
 * incident's offset and for its duration, sized as measured, and an end that leaves time to see
 * the 10 s unpublish and 20 s leave rules play out. Pure: the CLI writes the result to a file,
 * the dashboard opens it in the scenario editor.
 */
import type { Diagnosis, Incident } from '../diagnose/types';
import type { MediaKind } from '../protocol/messages';
import type { TraceHeader, TraceRecord } from '../trace/records';
import { isImportedTrace } from '../support/import/peer-connections';
import { incidentFamily, planIncident } from './faults';
import type { ReproducedIncident, Reproduction, ScenarioStepInput } from './types';
import type { ScenarioInput } from '../scenario/schema';

/** Model ms of calm before the first fault: joined, published and stats for a baseline. */
export const LEAD_MS = 8000;
/** Model ms after the last fault ends before the scenario ends (past the 20 s leave rule). */
export const TAIL_MS = 22_000;
/** Most steps a reproduction plays (a day-long dump can hold thousands of incidents). */
export const MAX_REPRODUCED_FAULTS = 200;

/** What {@link reproduceTrace} reads: the trace and its diagnosis. */
export interface ReproduceInput {
  header: TraceHeader;
  records: readonly TraceRecord[];
  diagnosis: Diagnosis;
  /** Scenario name (default: derived from the trace). */
  name?: string;
}

function sentKinds(records: readonly TraceRecord[], uid: number): MediaKind[] {
  const kinds = new Set<MediaKind>();
  for (const r of records) {
    if (r.type !== 'stats' || r.uid !== uid || !r.kinds) continue;
    for (const kind of ['audio', 'video'] as const)
      if ((r.kinds[kind]?.sentPackets ?? 0) > 0) kinds.add(kind);
  }
  return [...kinds];
}

function scenarioKinds(header: TraceHeader, uid: number): MediaKind[] | null {
  const s = header.scenario as { participants?: Array<{ uid?: unknown; publish?: unknown }> } | null;
  const p = s?.participants?.find((x) => x.uid === uid);
  if (!p || !Array.isArray(p.publish)) return null;
  return p.publish.filter((k): k is MediaKind => k === 'audio' || k === 'video');
}

/**
 * The recorded scenario's timing config (without its time scale: the person picks one for the
 * run), so a lab trace is reproduced under the same rules; null for imports.
 */
function labConfig(header: TraceHeader): ScenarioInput['config'] | null {
  const s = header.scenario as { config?: unknown } | null;
  if (!s || typeof s.config !== 'object' || s.config === null) return null;
  const { timeScale: _scale, ...rest } = s.config as Record<string, unknown>;
  return rest as ScenarioInput['config'];
}

/** Model ms within which a second one-shot step (IP change, reset, token expiry) is the same one. */
const ONE_SHOT_WINDOW_MS = 2000;

/** True when `later` asks for what `earlier` already injects at that moment (same target and kind). */
function repeats(earlier: ScenarioStepInput, later: ScenarioStepInput): boolean {
  if (earlier.do !== later.do) return false;
  if ('uid' in earlier && 'uid' in later && earlier.uid !== later.uid) return false;
  if (earlier.do === 'fault' && later.do === 'fault' && earlier.fault.kind !== later.fault.kind) return false;
  const forMs = 'forMs' in earlier ? (earlier.forMs ?? 0) : 0;
  return later.at >= earlier.at && later.at <= earlier.at + forMs + ONE_SHOT_WINDOW_MS;
}

/** Stretches a held step so it also covers `later` (a fault that went on past the first incident). */
function extend(earlier: ScenarioStepInput, later: ScenarioStepInput): void {
  if (!('forMs' in earlier) || earlier.forMs === undefined) return;
  if (!('forMs' in later) || later.forMs === undefined) return;
  earlier.forMs = Math.max(earlier.forMs, later.at + later.forMs - earlier.at);
}

function overlaps(a: Incident, b: Incident): boolean {
  const aEnd = a.end ?? Number.POSITIVE_INFINITY;
  const bEnd = b.end ?? Number.POSITIVE_INFINITY;
  return a.start < bEnd && b.start < aEnd;
}

function nameOf(input: ReproduceInput): string {
  if (input.name) return input.name.slice(0, 100);
  const base = input.diagnosis.source.scenario ?? input.diagnosis.source.kind;
  return `reproduce-${base}`.slice(0, 100);
}

/** Turns a diagnosed trace into a scenario (see the file comment). Never throws on odd traces. */
export function reproduceTrace(input: ReproduceInput): Reproduction {
  const { header, records, diagnosis } = input;
  const notes: string[] = [];
  const subjects =
    diagnosis.source.subjects.length > 0 ? diagnosis.source.subjects : [{ subject: 1, label: 'uid 1' }];
  const participants = subjects.map((s) => ({ subject: s.subject, uid: s.subject, label: s.label }));

  const published = participants.map((p) => {
    const fromStats = sentKinds(records, p.subject);
    if (fromStats.length > 0) return fromStats;
    const fromScenario = scenarioKinds(header, p.subject);
    if (fromScenario) return fromScenario;
    notes.push(`${p.label}: the trace does not say what it sent; it publishes audio and video.`);
    return ['audio', 'video'] as MediaKind[];
  });
  const lab = participants.map((p, i) => ({ uid: p.uid, publish: published[i]! }));
  if (lab.length === 1) {
    const observer = Math.max(...lab.map((p) => p.uid)) + 1;
    lab.push({ uid: observer, publish: [] });
    notes.push(`uid ${observer} is added to watch uid ${lab[0]!.uid} (peer events need a second client).`);
  }

  const planned: Array<{ incident: Incident; step: ScenarioStepInput }> = [];
  const outcome = new Map<string, ReproducedIncident>();
  for (const incident of diagnosis.incidents) {
    const skip = (why: string): void => {
      outcome.set(incident.id, { incidentId: incident.id, step: null, skipped: why });
    };
    if (incident.unreliable) {
      skip('the lab that recorded it stalled meanwhile, so it may not be the network’s doing');
      continue;
    }
    const covered = planned.find(
      (p) =>
        p.incident.subject === incident.subject &&
        incidentFamily(p.incident.kind) === incidentFamily(incident.kind) &&
        overlaps(p.incident, incident),
    );
    if (covered) {
      skip(`it overlaps ${covered.incident.id}, which the reproduction already injects`);
      continue;
    }
    const plan = planIncident(incident, diagnosis.source.durationMs);
    if (plan.kind === 'skip') {
      skip(plan.reason);
      continue;
    }
    const repeated = planned.find((p) => repeats(p.step, plan.step));
    if (repeated) {
      extend(repeated.step, plan.step);
      skip(`the fault injected for ${repeated.incident.id} covers it`);
      continue;
    }
    if (planned.length >= MAX_REPRODUCED_FAULTS) {
      skip(`the reproduction stops at ${MAX_REPRODUCED_FAULTS} faults`);
      continue;
    }
    planned.push({ incident, step: plan.step });
  }

  const first = planned[0]?.step.at ?? LEAD_MS;
  const shiftMs = Math.max(0, LEAD_MS - first);
  if (shiftMs > 0 && planned.length > 0)
    notes.push(
      `Every fault comes ${(shiftMs / 1000).toFixed(1)} s later than in the trace, so the lab's clients have joined and published first.`,
    );

  const steps: ScenarioStepInput[] = [];
  lab.forEach((p, i) => steps.push({ at: i * 100, do: 'join', uid: p.uid }));
  lab.forEach((p, i) => {
    if (p.publish.length > 0) steps.push({ at: 1000 + i * 100, do: 'publish', uid: p.uid, kinds: p.publish });
  });
  const faultSteps = planned
    .map((p) => ({ ...p, step: { ...p.step, at: p.step.at + shiftMs } as ScenarioStepInput }))
    .sort((a, b) => a.step.at - b.step.at);
  const firstFaultIndex = steps.length;
  faultSteps.forEach((p, i) => {
    steps.push(p.step);
    outcome.set(p.incident.id, { incidentId: p.incident.id, step: firstFaultIndex + i, skipped: null });
  });
  const lastEnd = faultSteps.reduce(
    (end, p) => Math.max(end, p.step.at + ('forMs' in p.step ? (p.step.forMs ?? 0) : 0)),
    LEAD_MS,
  );
  const endAt = Math.max(lastEnd + TAIL_MS, steps[steps.length - 1]!.at + 1000);
  lab.forEach((p, i) => steps.push({ at: endAt - 1000 + i, do: 'leave', uid: p.uid }));
  steps.push({ at: endAt + lab.length, do: 'end' });

  const relayed = records.some(
    (r) => r.type === 'media' && r.event === 'candidate-pair' && String(r.value ?? '').startsWith('relay'),
  );
  const blocks = faultSteps.some((p) => p.step.do === 'fault' && p.step.fault.kind.startsWith('block-'));
  if (relayed && !blocks)
    notes.push(
      'The trace used a TURN relay throughout; the lab connects directly unless a fault blocks direct UDP.',
    );
  if (isImportedTrace(header))
    notes.push(
      'The trace came from a browser: run the reproduction with the browser engine (Chromium) to match it closely.',
    );
  const config = labConfig(header);
  const incidents = diagnosis.incidents.map((i) => outcome.get(i.id)!);
  const described = `Reproduces ${diagnosis.source.kind} trace of ${diagnosis.source.startedAt}: ${faultSteps.length} fault(s) from ${diagnosis.incidents.length} incident(s).`;
  return {
    scenario: {
      name: nameOf(input),
      description: described,
      profile: 'ng',
      ...(blocks ? { turn: true } : {}),
      ...(config ? { config } : {}),
      participants: lab.map((p) => ({ uid: p.uid, publish: p.publish })),
      steps,
      expect: [],
    },
    shiftMs,
    participants,
    incidents,
    notes,
  };
}
