/**
 * What the diagnosis reports: incidents (what went wrong, when, on whom, and the likely cause,
 * each resting on the records it cites), the injected faults they explain, and a verdict that
 * never says PASS about a trace nobody set expectations for. Plain data: the CLI prints it as
 * text or JSON, the renderer lists it and draws it as bands.
 *
 * Every time here is in model milliseconds since the trace's `startedAt`: real trace ms ÷
 * timeScale, so a run at time scale 0.1 reads like the scenario it played.
 */

/** What kind of trouble an incident is. */
export const INCIDENT_KINDS = [
  'interruption',
  'ice-failure',
  'media-stall',
  'loss-burst',
  'rtt-spike',
  'bandwidth-collapse',
  'candidate-pair-change',
  'ice-restart',
  'rejoin',
  'device-error',
  'negotiation-error',
  'token-expiry',
  'kicked',
  'server-restart',
] as const;
/** One of {@link INCIDENT_KINDS}. */
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/**
 * The likely cause of an incident. Each is named only with the evidence that supports it; with
 * none, `unknown`.
 */
export const CAUSE_CLASSES = [
  'path-blackholed',
  'lossy-path',
  'high-latency',
  'bandwidth-limited',
  'direct-udp-blocked',
  'udp-blocked',
  'network-change',
  'connection-reset',
  'server-side',
  'server-unreachable',
  'credentials',
  'local-device',
  'unknown',
] as const;
/** One of {@link CAUSE_CLASSES}. */
export type CauseClass = (typeof CAUSE_CLASSES)[number];

/** Which way traffic was hurt, seen from the subject: `up` is subject → network. */
export type IncidentDirection = 'up' | 'down' | 'both' | null;

/** The diagnosed cause. */
export interface IncidentCause {
  class: CauseClass;
  /** 0–1: how strongly the evidence points to this class. */
  confidence: number;
  /** What was measured, e.g. `{ lossPct: 18.8 }`, `{ rttMs: 820, oneWayMs: 410 }`, `{ kbps: 250 }`. */
  params: Record<string, number | string>;
}

/** One thing that went wrong. */
export interface Incident {
  /** `i1`, `i2`, … in start order. */
  id: string;
  kind: IncidentKind;
  /** When the evidence says the trouble began (model ms), e.g. the last packet that got through. */
  start: number;
  /** When it was over (model ms); null while still open at the end of the trace. */
  end: number | null;
  /** When the endpoint's own state machine noticed (model ms); null when it never did. */
  detectedAt: number | null;
  /** The UID or imported PC it happened to; null for the server. */
  subject: number | null;
  /** A name for the subject: `uid 1`, `PC 4242-1 (example.com)`, `server`. */
  subjectLabel: string;
  direction: IncidentDirection;
  cause: IncidentCause;
  /** One line a support engineer can paste into a ticket. */
  summary: string;
  /** The `seq` of every record it rests on, ascending. */
  evidence: number[];
  /** True when the lab itself stalled (a `stall` record) during it: it may not be the network's doing. */
  unreliable: boolean;
}

/** Where the diagnosed trace came from. */
export interface DiagnosisSource {
  /** `lab` (recorded by Faultline), `webrtc-internals` or `rtcstats` (imported dumps). */
  kind: string;
  /** ISO 8601: the trace's time zero. */
  startedAt: string;
  timeScale: number;
  /** Records read. */
  records: number;
  /** Model ms from the first to the last record. */
  durationMs: number;
  /** The subjects seen: lab UIDs or imported PCs. */
  subjects: Array<{ subject: number; label: string }>;
  /** The scenario's name, when the trace carries one. */
  scenario?: string;
  userAgent?: string;
}

/** How an injected fault of a lab trace was explained. */
export interface FaultExplanation {
  faultId: string;
  kind: string;
  subject: number | null;
  /** Model ms. */
  start: number;
  /** The cause class a fault of this kind should produce. */
  expectedCause: CauseClass;
  /** The incident that explains it (same subject, starts within the tolerance, expected cause), or null. */
  incidentId: string | null;
  /** The matched incident's start − the fault's start (model ms). */
  offsetMs: number | null;
}

/** The verdict: never a bare PASS on a trace without expectations. */
export interface DiagnosisVerdict {
  /** Expectations the trace carried (0 for imports). */
  expectations: number;
  incidents: number;
  /** Faults the trace injected, and how many an incident explains. */
  injectedFaults: number;
  explainedFaults: number;
  /** One line: `no expectations; 3 incidents`, `no incidents found`, … */
  text: string;
}

/** The whole answer of {@link diagnoseTrace}. */
export interface Diagnosis {
  source: DiagnosisSource;
  incidents: Incident[];
  faults: FaultExplanation[];
  verdict: DiagnosisVerdict;
}
