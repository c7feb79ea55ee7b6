/**
 * `app.log` of a support bundle: the trace's log records as text lines (wall-clock time from the
 * header's `startedAt`, trace time, level, uid, message), then the app log lines the caller
 * passed in, each through the bundle's redactor.
 */
import type { TraceHeader, TraceRecord } from '../../../shared/trace/records';
import type { Redactor } from '../../../shared/support/redaction';

function wallClock(startedAt: string, t: number): string {
  const start = Date.parse(startedAt);
  return Number.isFinite(start) ? new Date(start + t).toISOString() : `+${(t / 1000).toFixed(3)}s`;
}

/** The text of `app.log` (records already redacted; app log lines redacted here). */
export function appLogText(
  header: TraceHeader,
  records: readonly TraceRecord[],
  appLog: readonly string[],
  redactor: Redactor,
): string {
  const lines: string[] = [`# trace log records (trace started ${header.startedAt})`];
  for (const r of records) {
    if (r.type !== 'log') continue;
    const who = r.uid === null ? 'lab' : `uid ${r.uid}`;
    const msg = r.msg.replace(/\r?\n/g, '\n    ');
    lines.push(
      `${wallClock(header.startedAt, r.t)} +${(r.t / 1000).toFixed(3)}s ${r.level.toUpperCase()} [${who}] ${msg}`,
    );
  }
  if (appLog.length > 0) {
    lines.push('# app log');
    for (const line of appLog) lines.push(redactor.text(line));
  }
  return `${lines.join('\n')}\n`;
}
