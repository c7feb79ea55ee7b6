/**
 * From a diagnosed incident to the lab step that brings the same trouble back: the inverse of the
 * diagnosis's fault → cause table. Each cause class maps to the fault the lab injects for it, sized
 * with what the diagnosis measured (loss %, one-way delay, rate) and aimed the same way (`up` is
 * the subject's sending side, as in both the diagnosis and the fault injector).
 */
import type { ClientFaultInput, FaultDirection } from '../model/faults';
import type { Incident } from '../diagnose/types';
import type { ScenarioStepInput } from './types';

/** What one incident becomes: a step to play (at the incident's start) or why there is none. */
export type IncidentPlan =
  { kind: 'step'; step: ScenarioStepInput; family: string } | { kind: 'skip'; reason: string };

/** Faults the lab can hold for at most this long (model ms) when the trouble never ended. */
export const OPEN_INCIDENT_HOLD_MS = 30_000;

const direction = (i: Incident): FaultDirection => i.direction ?? 'both';
const num = (v: number | string | undefined): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : null;

function duration(i: Incident, traceEnd: number): number {
  // A pair change is a moment, but what caused it (blocked UDP) held from then on.
  const open = i.end === null || (i.kind === 'candidate-pair-change' && i.end <= i.start);
  const end = open ? Math.min(traceEnd, i.start + OPEN_INCIDENT_HOLD_MS) : i.end!;
  return Math.max(1000, Math.round(end - i.start));
}

function clientFault(i: Incident): ClientFaultInput | string {
  const p = i.cause.params;
  const onlyMedia = i.kind === 'media-stall';
  switch (i.cause.class) {
    case 'path-blackholed':
      return { kind: 'blackhole', path: onlyMedia ? 'media' : 'all', direction: direction(i) };
    case 'unknown':
      if (i.kind === 'interruption' || i.kind === 'ice-failure' || i.kind === 'media-stall')
        return { kind: 'blackhole', path: onlyMedia ? 'media' : 'all', direction: direction(i) };
      return 'its cause is unknown, so there is nothing to inject';
    case 'lossy-path': {
      const pct = num(p['lossPct']);
      if (pct === null) return 'the loss it measured is missing';
      return { kind: 'loss', pct: Math.min(100, Math.round(pct * 10) / 10), direction: direction(i) };
    }
    case 'high-latency': {
      const ms = num(p['oneWayMs']);
      if (ms === null || ms <= 0) return 'the delay it measured is missing';
      return { kind: 'latency', ms: Math.round(ms), direction: 'both' };
    }
    case 'bandwidth-limited': {
      const kbps = num(p['kbps']);
      if (kbps === null || kbps < 1) return 'the rate it measured is missing';
      return { kind: 'bandwidth', kbps: Math.round(kbps), direction: direction(i) };
    }
    case 'direct-udp-blocked':
      return { kind: 'block-direct-udp' };
    case 'udp-blocked':
      return { kind: 'block-turn-udp' };
    case 'network-change':
      return { kind: 'ip-change' };
    case 'connection-reset':
      return { kind: 'reset' };
    case 'server-unreachable':
      return { kind: 'refuse' };
    case 'server-side':
      return 'the server restart that caused it is reproduced on its own';
    case 'credentials':
    case 'local-device':
      return `a ${i.cause.class} cause is not a network fault`;
  }
}

/** Which incidents stand for the same trouble: one fault each, never two for one outage. */
export function incidentFamily(kind: Incident['kind']): string {
  return kind === 'interruption' || kind === 'ice-failure' ? 'connectivity' : kind;
}

/**
 * The step that reproduces `incident` (its `at` is the incident's start, model ms), or the
 * reason none does. `traceEnd` bounds faults of incidents still open at the end of the trace.
 */
export function planIncident(incident: Incident, traceEnd: number): IncidentPlan {
  const at = Math.round(incident.start);
  const family = incidentFamily(incident.kind);
  switch (incident.kind) {
    case 'server-restart':
      return { kind: 'step', family, step: { at, do: 'server-stop', forMs: duration(incident, traceEnd) } };
    case 'token-expiry':
      if (incident.subject === null) return { kind: 'skip', reason: 'it names no client' };
      return { kind: 'step', family, step: { at, do: 'server-expire-token', uid: incident.subject } };
    case 'kicked':
      if (incident.subject === null) return { kind: 'skip', reason: 'it names no client' };
      return { kind: 'step', family, step: { at, do: 'duplicate-login', uid: incident.subject } };
    case 'ice-restart':
    case 'rejoin':
      return { kind: 'skip', reason: 'it is how a client recovers, and the reproduction will show its own' };
    case 'device-error':
    case 'negotiation-error':
      return { kind: 'skip', reason: 'the lab has no fault for a browser API or device failure' };
    default:
      break;
  }
  if (incident.subject === null) return { kind: 'skip', reason: 'it names no client' };
  const fault = clientFault(incident);
  if (typeof fault === 'string') return { kind: 'skip', reason: fault };
  const oneShot = fault.kind === 'ip-change' || fault.kind === 'reset';
  const step: ScenarioStepInput = oneShot
    ? { at, do: 'fault', uid: incident.subject, fault }
    : { at, do: 'fault', uid: incident.subject, fault, forMs: duration(incident, traceEnd) };
  return { kind: 'step', family, step };
}
