/**
 * Compare two traces: check both, align them on their first fault start, and list the measured
 * findings side by side (per fault, client and observer) plus expectation verdicts that changed.
 */
import { checkTrace } from '../check';
import type { CheckInput, CheckOptions, CheckReport, Delay, ExpectationResult } from '../check';

/** Metrics compared per client (and per observer for the peer events). */
export type CompareMetric =
  'detection' | 'recovery' | 'outage' | 'reconnect-attempts' | 'user-unpublished' | 'user-left';

/** One compared figure: scenario ms (counts for reconnect attempts); null when not measured. */
export interface CompareRow {
  metric: CompareMetric;
  /** The N-th fault (by start time) in both traces. */
  fault: number;
  /** The faulted client. */
  uid: number;
  /** The observer, for user-unpublished / user-left. */
  observer?: number;
  a: number | null;
  b: number | null;
  /** b − a (null when either is missing). */
  delta: number | null;
  /** b ÷ a (null when either is missing or a is 0). */
  ratio: number | null;
  /** Whether the two differ (including measured on one side only). */
  differs: boolean;
}

/** An expectation whose verdict is compared. */
export interface VerdictRow {
  index: number;
  label: string;
  a: ExpectationResult['verdict'] | null;
  b: ExpectationResult['verdict'] | null;
  changed: boolean;
}

/** What {@link compareTraces} answers. */
export interface TraceComparison {
  /** First fault start of each trace (null: no fault). */
  anchorA: number | null;
  anchorB: number | null;
  /** anchorB − anchorA: add to a time of A to get the aligned time in B (0 without both anchors). */
  offset: number;
  rows: CompareRow[];
  verdicts: VerdictRow[];
  /** Faults only one trace has, and other notes for a person. */
  notes: string[];
  reportA: CheckReport;
  reportB: CheckReport;
}

function row(
  metric: CompareMetric,
  fault: number,
  uid: number,
  a: number | null,
  b: number | null,
  observer?: number,
): CompareRow {
  const delta = a !== null && b !== null ? b - a : null;
  const ratio = a !== null && b !== null && a !== 0 ? b / a : null;
  const r: CompareRow = { metric, fault, uid, a, b, delta, ratio, differs: a !== b };
  if (observer !== undefined) r.observer = observer;
  return r;
}

const ms = (d: Delay | null | undefined): number | null => (d ? d.ms : null);

/** Compares two traces (see the file comment). Never throws on odd traces: it compares what both have. */
export function compareTraces(a: CheckInput, b: CheckInput, opts: CheckOptions = {}): TraceComparison {
  const reportA = checkTrace(a, opts);
  const reportB = checkTrace(b, opts);
  const fa = reportA.findings.faults;
  const fb = reportB.findings.faults;
  const anchorA = fa[0]?.startT ?? null;
  const anchorB = fb[0]?.startT ?? null;
  const notes: string[] = [];
  if (anchorA === null || anchorB === null) notes.push('Not aligned: a trace has no fault.');
  if (fa.length !== fb.length) notes.push(`Trace A has ${fa.length} fault(s), trace B ${fb.length}.`);

  const rows: CompareRow[] = [];
  for (let i = 0; i < Math.min(fa.length, fb.length); i++) {
    const x = fa[i]!;
    const y = fb[i]!;
    if (x.kind !== y.kind) notes.push(`Fault ${i}: ${x.kind} in A, ${y.kind} in B.`);
    const uids = [...new Set([...x.clients, ...y.clients].map((c) => c.uid))].sort((p, q) => p - q);
    for (const uid of uids) {
      const ca = x.clients.find((c) => c.uid === uid);
      const cb = y.clients.find((c) => c.uid === uid);
      rows.push(row('detection', i, uid, ms(ca?.detection), ms(cb?.detection)));
      rows.push(row('recovery', i, uid, ms(ca?.recovery), ms(cb?.recovery)));
      rows.push(row('outage', i, uid, ms(ca?.outage), ms(cb?.outage)));
      rows.push(
        row('reconnect-attempts', i, uid, ca?.reconnectAttempts ?? null, cb?.reconnectAttempts ?? null),
      );
      const observers = [
        ...new Set([...(ca?.observers ?? []), ...(cb?.observers ?? [])].map((o) => o.observer)),
      ];
      for (const observer of observers.sort((p, q) => p - q)) {
        const oa = ca?.observers.find((o) => o.observer === observer);
        const ob = cb?.observers.find((o) => o.observer === observer);
        rows.push(row('user-unpublished', i, uid, ms(oa?.unpublished), ms(ob?.unpublished), observer));
        rows.push(row('user-left', i, uid, ms(oa?.left), ms(ob?.left), observer));
      }
    }
  }

  const verdicts: VerdictRow[] = [];
  const n = Math.max(reportA.expectations.length, reportB.expectations.length);
  for (let i = 0; i < n; i++) {
    const ea = reportA.expectations[i];
    const eb = reportB.expectations[i];
    const va = ea?.verdict ?? null;
    const vb = eb?.verdict ?? null;
    verdicts.push({ index: i, label: (ea ?? eb)!.label, a: va, b: vb, changed: va !== vb });
  }

  const offset = anchorA !== null && anchorB !== null ? anchorB - anchorA : 0;
  return { anchorA, anchorB, offset, rows, verdicts, notes, reportA, reportB };
}

/** "1.2 s" for ms figures, the count for attempts, "—" when missing. */
export function formatCompareValue(metric: CompareMetric, value: number | null): string {
  if (value === null) return '—';
  if (metric === 'reconnect-attempts') return String(value);
  return `${(value / 1000).toFixed(1)} s`;
}
