/**
 * The checker's report as plain text lines for the CLI (and the renderer's "copy report"):
 * each expectation with its measured delay and PASS/FAIL, the model violations, the findings.
 */
import { peerEventName, stateName } from '../model/vocabulary';
import type { Vocabulary } from '../model/vocabulary';
import type { Expectation } from '../scenario/schema';
import { describeExpectation, fmtMs, violationMessage } from './messages';
import type {
  CheckReport,
  ClientImpact,
  Delay,
  ExpectationResult,
  FaultFinding,
  ObserverImpact,
} from './types';

/** Options of {@link formatReport}. */
export interface FormatOptions {
  /** Names to use; default: the report's own vocabulary. */
  vocabulary?: Vocabulary;
  /** Cap on listed violations (default 50; the rest are counted). */
  maxViolations?: number;
  /**
   * The diagnosis's verdict (`no expectations; 3 incidents`): the Result line of a trace without
   * expectations says it instead of a bare word.
   */
  verdict?: string;
}

function delayText(d: Delay, timeScale: number): string {
  return timeScale === 1 ? `${fmtMs(d.ms)} ms` : `${fmtMs(d.ms)} ms (${fmtMs(d.realMs)} ms real)`;
}

function signed(d: Delay, timeScale: number): string {
  return (d.ms >= 0 ? '+' : '') + delayText(d, timeScale);
}

function faultTitle(f: FaultFinding, timeScale: number): string {
  const where = [
    f.target.uid === null ? 'server' : `uid ${f.target.uid}`,
    f.target.path ? `path ${f.target.path}` : '',
    f.target.direction ? `direction ${f.target.direction}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const span =
    f.endT === null
      ? `from t=${fmtMs(f.startT)} ms, never ends`
      : `t=${fmtMs(f.startT)}–${fmtMs(f.endT)} ms, lasts ${delayText(f.duration!, timeScale)}`;
  return `fault ${f.index} (${f.id}) ${f.kind} on ${where}: ${span}`;
}

function clientLine(c: ClientImpact, vocabulary: Vocabulary, ts: number): string {
  const parts: string[] = [];
  parts.push(
    c.detection
      ? `${stateName('RECONNECTING', vocabulary)} after ${delayText(c.detection, ts)}`
      : `no ${stateName('CONNECTED', vocabulary)} → ${stateName('RECONNECTING', vocabulary)}`,
  );
  if (c.recovery)
    parts.push(`${stateName('CONNECTED', vocabulary)} ${signed(c.recovery, ts)} after the fault ended`);
  else if (c.outage === null && (c.detection || (c.stateAtEnd && c.stateAtEnd !== 'CONNECTED'))) {
    parts.push(`not ${stateName('CONNECTED', vocabulary)} again in the trace`);
  }
  if (c.outage) parts.push(`outage ${delayText(c.outage, ts)}`);
  parts.push(`${c.reconnectAttempts} reconnect attempt(s)`);
  return `uid ${c.uid}: ${parts.join('; ')}`;
}

function observerLine(o: ObserverImpact, vocabulary: Vocabulary, ts: number): string {
  const parts: string[] = [];
  if (o.unpublished) {
    const kinds = (['audio', 'video'] as const)
      .filter((k) => o.unpublishedByKind[k])
      .map((k) => `${k} ${signed(o.unpublishedByKind[k]!, ts)}`);
    parts.push(
      `${peerEventName('user-unpublished', vocabulary)} ${signed(o.unpublished, ts)}` +
        (kinds.length ? ` (${kinds.join(', ')})` : ''),
    );
  }
  if (o.left) parts.push(`${peerEventName('user-left', vocabulary)} ${signed(o.left, ts)}`);
  if (o.joined)
    parts.push(`${peerEventName('user-joined', vocabulary)} ${signed(o.joined, ts)} after recovery`);
  if (o.published)
    parts.push(`${peerEventName('user-published', vocabulary)} ${signed(o.published, ts)} after recovery`);
  return `seen by uid ${o.observer}: ${parts.length ? parts.join('; ') : 'nothing'}`;
}

function outcomeText(e: ExpectationResult, ts: number): string {
  const w = (e.expectation as Partial<Expectation> | undefined)?.withinMs;
  const range = Array.isArray(w) ? `${fmtMs(w[0])}–${fmtMs(w[1])} ms` : '?';
  const at = e.delay && e.match ? `${delayText(e.delay, ts)} (seq ${e.match.seq})` : '';
  switch (e.outcome) {
    case 'within':
      return `${at}, within ${range}`;
    case 'early':
      return `${at}, too early for ${range}`;
    case 'late':
      return `${at}, too late for ${range}`;
    case 'present':
      return `${at}, inside ${range} where it must not happen`;
    case 'missing':
      return `never happened (expected ${range})`;
    case 'absent':
      return `none in ${range}, as expected`;
    default:
      return e.message;
  }
}

function relabel(e: Expectation, fallback: string, vocabulary: Vocabulary): string {
  try {
    return e.label ?? describeExpectation(e, vocabulary);
  } catch {
    return fallback; // an invalid expectation kept as given
  }
}

/** The one-word verdict of a check. */
export type ResultWord = 'PASS' | 'FAIL' | 'UNRELIABLE' | 'NO EXPECTATIONS';

/**
 * PASS, FAIL, or UNRELIABLE when nothing failed outright but a stall of the lab decided at least
 * one expectation. A trace nobody set expectations for (a customer's dump, say) never passes:
 * it is NO EXPECTATIONS, and what it shows is the diagnosis's to say.
 */
export function resultWord(report: CheckReport): ResultWord {
  if (report.ok) return report.expectations.length === 0 ? 'NO EXPECTATIONS' : 'PASS';
  const failed = report.violations.length > 0 || report.expectations.some((e) => e.verdict === 'fail');
  return failed ? 'FAIL' : 'UNRELIABLE';
}

/** Plain text lines (joined with `\n`) of a report. */
export function formatReport(report: CheckReport, opts: FormatOptions = {}): string {
  const vocabulary = opts.vocabulary ?? report.vocabulary;
  const ts = report.timeScale;
  const maxViolations = opts.maxViolations ?? 50;
  const lines: string[] = [];
  const passed = report.expectations.filter((e) => e.verdict === 'pass').length;

  lines.push(
    `Expectations: ${passed}/${report.expectations.length} pass` +
      (report.unreliable > 0 ? `, ${report.unreliable} unreliable` : ''),
  );
  for (const e of report.expectations) {
    const label = vocabulary === report.vocabulary ? e.label : relabel(e.expectation, e.label, vocabulary);
    lines.push(`  ${e.verdict.toUpperCase().padEnd(4)}  ${label}: ${outcomeText(e, ts)}`);
    if (e.stall) lines.push(`        unreliable: ${e.stall.message}`);
  }

  lines.push(
    `Model: ${report.violations.length === 0 ? 'no violations' : `${report.violations.length} violation(s)`}`,
  );
  for (const v of report.violations.slice(0, maxViolations)) {
    lines.push(`  seq ${v.seq} t=${fmtMs(v.t)} ms: ${violationMessage(v, vocabulary)}`);
  }
  if (report.violations.length > maxViolations) {
    lines.push(`  … and ${report.violations.length - maxViolations} more`);
  }

  lines.push('Findings');
  if (report.findings.faults.length === 0) lines.push('  no faults in the trace');
  for (const f of report.findings.faults) {
    lines.push(`  ${faultTitle(f, ts)}`);
    for (const c of f.clients) {
      lines.push(`    ${clientLine(c, vocabulary, ts)}`);
      for (const o of c.observers) lines.push(`      ${observerLine(o, vocabulary, ts)}`);
    }
  }
  if (report.findings.mediaReconnects.length > 0) {
    lines.push('  media reconnects');
    for (const m of report.findings.mediaReconnects) {
      const span = m.duration
        ? `t=${fmtMs(m.startT)}–${fmtMs(m.endT!)} ms, ${delayText(m.duration, ts)}`
        : `from t=${fmtMs(m.startT)} ms, never ends`;
      const fault = m.faultIndex === null ? '' : ` (fault ${m.faultIndex})`;
      lines.push(`    uid ${m.uid ?? 'null'}${m.pc ? ` ${m.pc}` : ''}: ${span}${fault}`);
    }
  }
  const stalls = report.findings.stalls ?? [];
  if (stalls.length > 0) {
    lines.push(`  the lab's own stalls (${stalls.length}): what they overlap is unreliable`);
    for (const s of stalls) lines.push(`    seq ${s.seq}: ${s.message}`);
  }
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  const counts = `${passed}/${report.expectations.length} expectations, ${report.violations.length} violations${report.unreliable > 0 ? `, ${report.unreliable} unreliable` : ''}`;
  const word = resultWord(report);
  lines.push(
    word === 'NO EXPECTATIONS' && opts.verdict
      ? `Result: ${opts.verdict} (${report.violations.length} violations)`
      : `Result: ${word} (${counts})`,
  );
  return lines.join('\n');
}
