/** Plain-text rendering of a {@link Diagnosis} for the CLI and the HTML report's list. */
import { secs } from './evidence';
import type { Diagnosis, Incident } from './types';

/** The verdict as the last line of `faultline check` / `diagnose`. */
export function verdictLine(d: Diagnosis): string {
  return `Diagnosis: ${d.verdict.text}`;
}

function span(i: Incident): string {
  return i.end === null
    ? `${secs(i.start)}–open`
    : i.end === i.start
      ? secs(i.start)
      : `${secs(i.start)}–${secs(i.end)}`;
}

/** Lines (joined with `\n`): the incidents, the injected faults they explain, the verdict. */
export function formatDiagnosis(d: Diagnosis, opts: { evidence?: boolean } = {}): string {
  const lines: string[] = [];
  const scale = d.source.timeScale !== 1 ? `, times in model seconds (time scale ${d.source.timeScale})` : '';
  lines.push(`Incidents (${d.source.kind} trace${scale})`);
  if (d.incidents.length === 0) lines.push('  no incidents found');
  for (const i of d.incidents) {
    const conf = `${i.cause.class} ${Math.round(i.cause.confidence * 100)}%`;
    lines.push(
      `  ${i.id.padEnd(4)} ${span(i).padEnd(16)} ${i.kind.padEnd(21)} ${conf}${i.unreliable ? '  UNRELIABLE (the lab stalled)' : ''}`,
    );
    lines.push(`       ${i.summary}`);
    if (opts.evidence) lines.push(`       evidence: seq ${i.evidence.join(', ')}`);
  }
  if (d.faults.length > 0) {
    lines.push('Injected faults');
    for (const f of d.faults) {
      const who = f.subject === null ? 'server' : `uid ${f.subject}`;
      const match = f.incidentId
        ? `explained by ${f.incidentId} (${f.offsetMs! >= 0 ? '+' : ''}${(f.offsetMs! / 1000).toFixed(1)} s)`
        : `NOT explained: no ${f.expectedCause} incident within 1.5 s`;
      lines.push(`  ${f.faultId} ${f.kind} on ${who} at ${secs(f.start)}: ${match}`);
    }
  }
  lines.push(verdictLine(d));
  return lines.join('\n');
}
