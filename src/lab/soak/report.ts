/** What a soak leaves behind, and its summary table for a terminal. */
import type { ProcessSummary } from './sampler';
import type { SeriesSummary } from './series';
import { formatDuration } from './duration';

/** One iteration that failed: its checker violations or step errors, with what reruns it. */
export interface SoakFailure {
  iteration: number;
  /** The iteration's own seed (`deriveSeed(seed, iteration)`). */
  seed: number;
  /** The random faults of the iteration. */
  faults: string[];
  /** Checker violations, one message each. */
  violations: string[];
  /** Steps or resets that threw. */
  errors: string[];
  /** The iteration's records in the trace: seq range and trace time (ms). */
  seq: [number, number];
  t: [number, number];
}

/** The whole soak report (also the `--json` file). */
export interface SoakReport {
  scenario: string;
  seed: number;
  engine: string;
  timeScale: number;
  startedAt: string;
  /** Asked-for duration and what it really took, ms. */
  plannedMs: number;
  elapsedMs: number;
  /** Ended by Ctrl-C / an abort signal. */
  aborted: boolean;
  iterations: number;
  /** Iterations that failed (the first {@link MAX_KEPT_FAILURES}). */
  failures: SoakFailure[];
  failedIterations: number;
  processes: ProcessSummary[];
  records: { total: number; perType: Record<string, number>; perSecond: number };
  ring: { capacity: number; maxSize: number; endSize: number };
  journal: { path: string; bytes: number; maxBytes: number } | null;
  /** Lab-level problems (journal errors, a failed dispose). */
  errors: string[];
}

/** Failures kept in full in a report; later ones are only counted. */
export const MAX_KEPT_FAILURES = 100;

const fmt = (n: number | undefined, digits = 1): string =>
  n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits);

function row(name: string, metric: string, s: SeriesSummary | null): string[] {
  return [
    name,
    metric,
    fmt(s?.start),
    fmt(s?.p50),
    fmt(s?.max),
    fmt(s?.end),
    s ? fmt(s.slopePerHour, 2) : '–',
  ];
}

/** The summary for a person: resource table, records, ring, journal, failures. */
export function formatSoakReport(report: SoakReport): string {
  const rows: string[][] = [['process', 'metric', 'start', 'p50', 'max', 'end', 'slope/h']];
  for (const p of report.processes) {
    rows.push(row(p.name, 'RSS MiB', p.rssMiB));
    if (p.heapMiB) rows.push(row(p.name, 'heap MiB', p.heapMiB));
    rows.push(row(p.name, 'CPU %', p.cpuPct));
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) =>
    r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '),
  );
  const types = Object.entries(report.records.perType)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const lines = [
    `soak ${report.scenario}: ${report.iterations} iterations in ${formatDuration(report.elapsedMs)}` +
      ` (seed ${report.seed}, time scale ${report.timeScale}, ${report.engine})${report.aborted ? ', stopped early' : ''}`,
    '',
    ...table,
    '',
    `records: ${report.records.total} (${fmt(report.records.perSecond)}/s): ${types}`,
    `ring: max ${report.ring.maxSize} of ${report.ring.capacity}`,
    report.journal
      ? `journal: ${(report.journal.bytes / 1024 / 1024).toFixed(1)} MiB (max ${(report.journal.maxBytes / 1024 / 1024).toFixed(1)} MiB) at ${report.journal.path}`
      : 'journal: none',
  ];
  for (const e of report.errors) lines.push(`error: ${e}`);
  if (report.failedIterations === 0) {
    lines.push('', `all ${report.iterations} iterations passed the checks`);
  } else {
    lines.push('', `${report.failedIterations} of ${report.iterations} iterations failed:`);
    for (const f of report.failures.slice(0, 10)) {
      lines.push(
        `  iteration ${f.iteration} (seed ${f.seed}, seq ${f.seq[0]}–${f.seq[1]}): ${f.faults.join('; ')}`,
      );
      for (const v of [...f.violations, ...f.errors].slice(0, 5)) lines.push(`    - ${v}`);
    }
    if (report.failures.length > 10) lines.push(`  … and ${report.failedIterations - 10} more (see --json)`);
  }
  return lines.join('\n');
}
