/**
 * The original call against its reproduction: both diagnoses aligned on the first incident, each
 * original incident paired with the reproduction's incident of the same family on the same
 * participant (start and duration within a tolerance), the state sequences side by side, and a
 * similarity summary that names what the reproduction did not show.
 */
import type { TraceHeader, TraceRecord } from '../trace/records';
import type { Diagnosis, Incident } from '../diagnose/types';
import { isImportedTrace } from '../support/import/peer-connections';
import { incidentFamily } from './faults';

/** Model ms an aligned reproduced incident may start from the original's and still match it. */
export const START_TOLERANCE_MS = 2000;
/** A matched incident's duration may differ by this share of the original's… */
export const DURATION_TOLERANCE_SHARE = 0.3;
/** …or by this many model ms, whichever is more. */
export const DURATION_TOLERANCE_MS = 2000;
/** Longest state sequence listed per side. */
export const MAX_STATES_LISTED = 50;

/** One side of the comparison. */
export interface ComparedTrace {
  header: TraceHeader;
  records: readonly TraceRecord[];
  diagnosis: Diagnosis;
}

/** An original incident and what the reproduction showed of it. */
export interface IncidentMatch {
  original: Incident;
  /** The reproduction's incident that matches it, or null when it did not show. */
  reproduced: Incident | null;
  /** Aligned start of the reproduced − the original's (model ms). */
  startDeltaMs: number | null;
  /** Duration of the reproduced − the original's (model ms; null when either is open). */
  durationDeltaMs: number | null;
  /** Same kind (not only the same family, e.g. interruption vs ICE failure). */
  sameKind: boolean;
  /** Same cause class. */
  sameCause: boolean;
  /** When no incident matched but one came close (same family, participant and start): how it differed. */
  nearMiss: string | null;
}

/** The state sequences of one participant, side by side. */
export interface StateColumns {
  subject: number;
  label: string;
  original: string[];
  reproduction: string[];
}

/** What {@link compareReproduction} answers. */
export interface ReproductionComparison {
  /** First incident start of each side (model ms); null when a side has none. */
  anchorOriginal: number | null;
  anchorReproduction: number | null;
  /** Add to an original time to get the aligned reproduction time. */
  offsetMs: number;
  matches: IncidentMatch[];
  /** Reproduction incidents no original incident matched. */
  extra: Incident[];
  states: StateColumns[];
  similarity: { matched: number; total: number; score: number; text: string };
}

const secs = (ms: number | null): string => (ms === null ? 'open' : `${(ms / 1000).toFixed(1)} s`);

function duration(i: Incident): number | null {
  return i.end === null ? null : i.end - i.start;
}

function durationFits(a: Incident, b: Incident): boolean {
  const da = duration(a);
  const db = duration(b);
  if (da === null || db === null) return true; // an open incident has no duration to hold against
  return Math.abs(da - db) <= Math.max(DURATION_TOLERANCE_MS, da * DURATION_TOLERANCE_SHARE);
}

/** The browser's (PC, else ICE) states of an imported PC, or the lab's Agora-model states. */
function stateSequence(side: ComparedTrace, subject: number): string[] {
  const out: string[] = [];
  const push = (s: string): void => {
    if (out[out.length - 1] !== s && out.length < MAX_STATES_LISTED) out.push(s);
  };
  if (isImportedTrace(side.header)) {
    const mine = side.records.filter((r) => r.type === 'media' && r.uid === subject);
    const hasPc = mine.some((r) => r.type === 'media' && r.event === 'pc-state');
    const event = hasPc ? 'pc-state' : 'ice-state';
    for (const r of mine) if (r.type === 'media' && r.event === event && r.value) push(String(r.value));
    return out;
  }
  for (const r of side.records) if (r.type === 'state' && r.uid === subject) push(r.to);
  return out;
}

function anchorOf(incidents: readonly Incident[], family: string | null): number | null {
  const same = family === null ? undefined : incidents.find((i) => incidentFamily(i.kind) === family);
  return (same ?? incidents[0])?.start ?? null;
}

/**
 * Compares an original trace with its reproduction. `uidOf` maps an original subject to the
 * reproduction's participant (default: the same number, as `reproduceTrace` assigns them).
 */
export function compareReproduction(
  original: ComparedTrace,
  reproduction: ComparedTrace,
  uidOf: (subject: number) => number = (s) => s,
): ReproductionComparison {
  const a = original.diagnosis.incidents;
  const b = reproduction.diagnosis.incidents;
  const anchorOriginal = anchorOf(a, null);
  const anchorReproduction = anchorOf(b, a[0] ? incidentFamily(a[0].kind) : null);
  const offsetMs =
    anchorOriginal !== null && anchorReproduction !== null ? anchorReproduction - anchorOriginal : 0;

  const used = new Set<string>();
  const matches: IncidentMatch[] = a.map((original) => {
    const want = original.subject === null ? null : uidOf(original.subject);
    const aligned = original.start + offsetMs;
    const near = b
      .filter(
        (x) =>
          !used.has(x.id) &&
          x.subject === want &&
          incidentFamily(x.kind) === incidentFamily(original.kind) &&
          Math.abs(x.start - aligned) <= START_TOLERANCE_MS,
      )
      .sort((x, y) => Math.abs(x.start - aligned) - Math.abs(y.start - aligned));
    const best = near.find((x) => durationFits(original, x));
    if (!best) {
      const close = near[0];
      const nearMiss = close
        ? `${close.id} began with it but lasted ${secs(duration(close))}, not ${secs(duration(original))}`
        : null;
      return {
        original,
        reproduced: null,
        startDeltaMs: null,
        durationDeltaMs: null,
        sameKind: false,
        sameCause: false,
        nearMiss,
      };
    }
    used.add(best.id);
    const da = duration(original);
    const db = duration(best);
    return {
      original,
      reproduced: best,
      startDeltaMs: Math.round(best.start - aligned),
      durationDeltaMs: da !== null && db !== null ? Math.round(db - da) : null,
      sameKind: best.kind === original.kind,
      sameCause: best.cause.class === original.cause.class,
      nearMiss: null,
    };
  });
  const extra = b.filter((x) => !used.has(x.id));

  const states = original.diagnosis.source.subjects.map(({ subject, label }) => ({
    subject,
    label,
    original: stateSequence(original, subject),
    reproduction: stateSequence(reproduction, uidOf(subject)),
  }));

  const matched = matches.filter((m) => m.reproduced !== null).length;
  const total = matches.length;
  const score = total === 0 ? (b.length === 0 ? 1 : 0) : Math.round((matched / total) * 100) / 100;
  const missing = matches
    .filter((m) => m.reproduced === null)
    .map((m) => `${m.original.id} ${m.original.kind}`);
  const text =
    total === 0
      ? b.length === 0
        ? 'Neither trace has incidents.'
        : `The original has no incidents; the reproduction has ${b.length}.`
      : `${matched} of ${total} incidents reproduced (same kind family and participant, start within ±${START_TOLERANCE_MS / 1000} s after alignment)` +
        (missing.length > 0
          ? `; not shown: ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', …' : ''}`
          : '') +
        (extra.length > 0 ? `; ${extra.length} more in the reproduction` : '') +
        '.';
  return {
    anchorOriginal,
    anchorReproduction,
    offsetMs,
    matches,
    extra,
    states,
    similarity: { matched, total, score, text },
  };
}
