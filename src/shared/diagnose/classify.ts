/**
 * Causes and summaries of connectivity incidents. The classes are tried in order of how directly
 * the records state them: the server went away, the path changed after the outage (relay
 * fallback, a new local address), the socket was cut at once, the server refused, and only then
 * a blackholed path, named by the directions whose silence was seen.
 */
import type { TraceView } from './context';
import type { Outage } from './connectivity';
import { spanText } from './connectivity';
import type { DraftIncident } from './evidence';
import { inRange, secs } from './evidence';
import type { Episode } from './quality';
import type { IncidentCause } from './types';

/** What the classifier reads besides the outage itself. */
export interface ClassifyContext {
  view: TraceView;
  serverRestarts: readonly DraftIncident[];
  /** Candidate-pair changes of every subject. */
  /** Candidate-pair changes, ascending by start. */
  pairChanges: readonly DraftIncident[];
}

const PATH_CAUSES = new Set(['direct-udp-blocked', 'udp-blocked', 'network-change']);

/** The server restart an outage belongs to (its start within 2 s before the restart, or during it). */
function serverRestartOf(o: Outage, ctx: ClassifyContext): DraftIncident | undefined {
  return ctx.serverRestarts.find((s) => o.start >= s.start - 2000 && o.start <= (s.end ?? Infinity));
}

function causeOf(o: Outage, ctx: ClassifyContext): IncidentCause {
  const { view } = ctx;
  const server = serverRestartOf(o, ctx);
  if (server) return { class: 'server-side', confidence: 0.9, params: { restart: secs(server.start) } };
  const until = (o.end ?? view.endT) + 5000;
  const pair = inRange(ctx.pairChanges, (p) => p.start, o.start, until).find(
    (p) => p.subject === o.subject && PATH_CAUSES.has(p.cause.class),
  );
  if (pair) return { ...pair.cause, confidence: Math.max(pair.cause.confidence, 0.8) };
  const abrupt = o.detectedAt !== null && o.detectedAt - o.start < 500;
  if (abrupt && o.stateCause && /^socket-(error|closed)$/.test(o.stateCause)) {
    return { class: 'connection-reset', confidence: 0.6, params: { stateCause: o.stateCause } };
  }
  const refused = inRange(view.reconnects.get(o.subject) ?? [], (r) => view.model(r.t), o.start, until).find(
    (r) => r.phase === 'failure' && /refused|ECONNREFUSED/i.test(r.error ?? ''),
  );
  if (refused)
    return { class: 'server-unreachable', confidence: 0.7, params: { error: refused.error ?? '' } };
  if (o.direction === null) return { class: 'unknown', confidence: 0.3, params: {} };
  return {
    class: 'path-blackholed',
    confidence: o.confirmed ? 0.85 : 0.6,
    params: { direction: o.direction },
  };
}

const WAYS: Record<string, string> = { up: 'outgoing', down: 'incoming', both: 'both ways' };

function causeText(c: IncidentCause): string {
  switch (c.class) {
    case 'path-blackholed':
      return c.params['direction'] === 'both'
        ? 'the path was blackholed both ways'
        : `the ${c.params['direction'] === 'up' ? 'uplink' : 'downlink'} was blackholed`;
    case 'server-side':
      return 'the channel server went away';
    case 'direct-udp-blocked':
      return 'direct UDP was blocked (recovered over the TURN relay)';
    case 'udp-blocked':
      return 'UDP was blocked (recovered over TURN/TCP)';
    case 'network-change':
      return 'the network changed (new local address)';
    case 'connection-reset':
      return 'the connection was reset';
    case 'server-unreachable':
      return 'the server refused new connections';
    default:
      return 'cause unknown';
  }
}

/** An outage as a draft incident with its cause and summary. */
export function outageIncident(outage: Outage, ctx: ClassifyContext): DraftIncident {
  const cause = causeOf(outage, ctx);
  // Signaling silence dates a start only to the last message before it (up to a heartbeat
  // early); when the server went away, the trouble began when it did.
  const server = cause.class === 'server-side' ? serverRestartOf(outage, ctx) : undefined;
  const o = server && outage.start < server.start ? { ...outage, start: server.start } : outage;
  const who = ctx.view.label(o.subject);
  const ways = o.direction ? ` (${WAYS[o.direction]})` : '';
  const noticed =
    o.detectedAt !== null && o.detectedAt > o.start + 50
      ? `, noticed ${secs(o.detectedAt - o.start)} later`
      : '';
  const what =
    o.kind === 'media-stall'
      ? `${o.direction === 'down' ? 'incoming' : 'outgoing'} media stopped`
      : o.kind === 'ice-failure'
        ? 'lost the connection and ICE failed'
        : 'lost the connection';
  return {
    kind: o.kind,
    start: o.start,
    end: o.end,
    detectedAt: o.detectedAt,
    subject: o.subject,
    direction: o.direction,
    cause,
    summary: `${who} ${what}${ways} ${spanText(o.start, o.end)}${noticed}: ${causeText(cause)}`,
    evidence: o.evidence,
  };
}

/** A loss episode as a draft incident. */
export function lossIncident(e: Episode, view: TraceView): DraftIncident {
  const way = e.direction === 'up' ? 'uplink' : 'downlink';
  return {
    kind: 'loss-burst',
    start: e.start,
    end: e.end,
    detectedAt: null,
    subject: e.subject,
    direction: e.direction,
    cause: { class: 'lossy-path', confidence: 0.8, params: { lossPct: e.value } },
    summary: `${view.label(e.subject)} ${way} lost ≈ ${e.value} % of packets ${spanText(e.start, e.end)}: lossy path`,
    evidence: e.evidence,
  };
}

/** An RTT episode as a draft incident (one way ≈ half the rise over the baseline). */
export function rttIncident(e: Episode, view: TraceView): DraftIncident {
  const oneWay = Math.round((e.value - e.baseline) / 2);
  return {
    kind: 'rtt-spike',
    start: e.start,
    end: e.end,
    detectedAt: null,
    subject: e.subject,
    direction: null,
    cause: {
      class: 'high-latency',
      confidence: 0.8,
      params: { rttMs: Math.round(e.value), baselineMs: Math.round(e.baseline), oneWayMs: oneWay },
    },
    summary: `${view.label(e.subject)} round trip rose to ≈ ${Math.round(e.value)} ms (from ${Math.round(e.baseline)} ms) ${spanText(e.start, e.end)}: high latency, ≈ ${oneWay} ms one way`,
    evidence: e.evidence,
  };
}

/** A bandwidth episode as a draft incident. */
export function bandwidthIncident(e: Episode, view: TraceView): DraftIncident {
  const what = e.direction === 'up' ? 'send' : 'receive';
  return {
    kind: 'bandwidth-collapse',
    start: e.start,
    end: e.end,
    detectedAt: null,
    subject: e.subject,
    direction: e.direction,
    cause: {
      class: 'bandwidth-limited',
      confidence: 0.6,
      params: { kbps: Math.round(e.value), baselineKbps: Math.round(e.baseline) },
    },
    summary: `${view.label(e.subject)} ${what} rate fell to ≈ ${Math.round(e.value)} kbps (from ${Math.round(e.baseline)}) ${spanText(e.start, e.end)}: bandwidth limited`,
    evidence: e.evidence,
  };
}
