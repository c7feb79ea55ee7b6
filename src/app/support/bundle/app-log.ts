/**
 * `app.log` of a support bundle: the trace's log records as text lines (wall-clock time from the
 * header's `startedAt`, trace time, level, uid, message), then the app log lines the caller
 * passed in, each through the bundle's redactor.
 */
import type { TraceHeader, TraceRecord } from '../../../shared/trace/records';
import type { Redactor } from '../../../shared/support/redaction';

function wallClock(start: number, t: number): string {
  return Number.isFinite(start) ? new Date(start + t).toISOString() : `+${(t / 1000).toFixed(3)}s`;
}

/** The first line of `app.log`. */
export function appLogHeading(header: TraceHeader): string {
  return `# trace log records (trace started ${header.startedAt})`;
}

/**
 * The `app.log` line of one (redacted) log record, without its newline; `start` is the trace's
 * `startedAt` in ms since the epoch (NaN when the header's is not a date: then trace time only).
 */
export function appLogLine(start: number, r: Extract<TraceRecord, { type: 'log' }>): string {
  const who = r.uid === null ? 'lab' : `uid ${r.uid}`;
  const msg = r.msg.replace(/\r?\n/g, '\n    ');
  return `${wallClock(start, r.t)} +${(r.t / 1000).toFixed(3)}s ${r.level.toUpperCase()} [${who}] ${msg}`;
}

/**
 * The lines after the trace's records, each with its newline: the app log the caller passed in,
 * redacted here.
 */
export function appLogTail(appLog: readonly string[], redactor: Redactor): string[] {
  if (appLog.length === 0) return [];
  return ['# app log\n', ...appLog.map((line) => `${redactor.text(line)}\n`)];
}

/** The text of `app.log` (records already redacted; app log lines redacted here). */
export function appLogText(
  header: TraceHeader,
  records: readonly TraceRecord[],
  appLog: readonly string[],
  redactor: Redactor,
): string {
  const start = Date.parse(header.startedAt);
  let text = `${appLogHeading(header)}\n`;
  for (const r of records) if (r.type === 'log') text += `${appLogLine(start, r)}\n`;
  return text + appLogTail(appLog, redactor).join('');
}
