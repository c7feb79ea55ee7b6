/**
 * Reconnect attempts: per uid, a "waiting" bar (scheduled → start, the backoff delay) and an
 * attempt bar (start → outcome) coloured by outcome. Also the rows of the accessible table.
 */
import type { ReconnectAttempt, TraceIndex } from '../trace-index';
import { fmtDuration, laneLabel } from './labels';

/** Colour per outcome. */
export const OUTCOME_COLORS: Record<ReconnectAttempt['outcome'], string> = {
  success: '#2f9e5b',
  failure: '#e5484d',
  giveup: '#7f1d1d',
  pending: '#f59e0b',
};

/** One bar of the chart. */
export interface AttemptBar {
  x: [number, number];
  y: string;
  seq: number;
  attempt: ReconnectAttempt;
}

/** One row of the table: the figures the brief asks for. */
export interface AttemptRow {
  uid: number;
  attempt: number;
  startT: number | null;
  delayMs: number;
  durationMs: number | null;
  outcome: ReconnectAttempt['outcome'];
  error?: string;
  seq: number;
}

/** What the reconnect chart draws. */
export interface ReconnectData {
  lanes: string[];
  waiting: AttemptBar[];
  attempts: Array<{ outcome: ReconnectAttempt['outcome']; color: string; data: AttemptBar[] }>;
  rows: AttemptRow[];
  summary: string;
}

/** Builds the reconnect chart of every uid that reconnected. */
export function buildReconnects(index: TraceIndex): ReconnectData {
  const endT = index.lastT;
  const uids = [...index.attempts.keys()].sort((a, b) => a - b);
  const waiting: AttemptBar[] = [];
  const byOutcome = new Map<ReconnectAttempt['outcome'], AttemptBar[]>();
  const rows: AttemptRow[] = [];
  for (const uid of uids) {
    for (const a of index.attempts.get(uid)!) {
      const y = laneLabel(uid);
      if (a.scheduledT !== null) {
        const until = a.startT ?? a.endT ?? endT;
        if (until > a.scheduledT) waiting.push({ x: [a.scheduledT, until], y, seq: a.seq, attempt: a });
      }
      const from = a.startT ?? (a.outcome === 'giveup' ? a.endT : null);
      if (from !== null) {
        const to = a.endT ?? Math.max(endT, from);
        let list = byOutcome.get(a.outcome);
        if (!list) byOutcome.set(a.outcome, (list = []));
        list.push({ x: [from, to], y, seq: a.seq, attempt: a });
      }
      rows.push({
        uid,
        attempt: a.attempt,
        startT: a.startT,
        delayMs: a.delayMs,
        durationMs: a.startT !== null && a.endT !== null ? a.endT - a.startT : null,
        outcome: a.outcome,
        ...(a.error !== undefined ? { error: a.error } : {}),
        seq: a.seq,
      });
    }
  }
  const attempts = (['success', 'failure', 'giveup', 'pending'] as const)
    .filter((o) => byOutcome.has(o))
    .map((outcome) => ({ outcome, color: OUTCOME_COLORS[outcome], data: byOutcome.get(outcome)! }));
  return { lanes: uids.map(laneLabel), waiting, attempts, rows, summary: summarize(rows) };
}

function summarize(rows: AttemptRow[]): string {
  if (rows.length === 0) return 'No reconnect attempts.';
  const uids = [...new Set(rows.map((r) => r.uid))];
  return (
    uids
      .map((uid) => {
        const mine = rows.filter((r) => r.uid === uid);
        const ok = mine.filter((r) => r.outcome === 'success').length;
        const failed = mine.filter((r) => r.outcome === 'failure').length;
        const longest = Math.max(0, ...mine.map((r) => r.delayMs));
        return `uid ${uid}: ${mine.length} attempt${mine.length === 1 ? '' : 's'} (${ok} succeeded, ${failed} failed, longest wait ${fmtDuration(longest)})`;
      })
      .join('; ') + '.'
  );
}

/** Tooltip lines of one attempt bar. */
export function attemptTooltip(bar: AttemptBar): string[] {
  const a = bar.attempt;
  const lines = [`${bar.y} attempt ${a.attempt}: ${a.outcome}`, `waited ${fmtDuration(a.delayMs)} before it`];
  if (a.startT !== null && a.endT !== null) lines.push(`took ${fmtDuration(a.endT - a.startT)}`);
  if (a.error) lines.push(`error: ${a.error}`);
  return lines;
}
