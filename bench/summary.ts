/**
 * The big-trace summary of a bench run: each section that measures one of the big-trace figures
 * (first chart, the 1,000,000-record dashboard, live ingest, import, export) adds its row here as
 * "now / floor / ratio", and `npm run bench` prints them together at the end, so one run shows
 * every figure next to the floor it was measured against in the same run.
 */
import { fmt, printTable } from './stats';

/** One figure against its floor. */
export interface SummaryRow {
  figure: string;
  /** The figure now, with its unit ("2,512 ms", "p95 17.0 ms"). */
  now: string;
  /** What it is measured against, measured in the same run. */
  floor: string;
  /** now ÷ floor, when both are numbers of one kind. */
  ratio: number | null;
  /** The goal for the figure, and whether this run meets it. */
  goal: string;
  met: boolean | null;
}

const rows: SummaryRow[] = [];

/** Adds a row to the summary. */
export function addSummaryRow(row: SummaryRow): void {
  rows.push(row);
}

/** Milliseconds as "1,234 ms". */
export function ms(value: number): string {
  return Number.isFinite(value) ? `${Math.round(value).toLocaleString('en')} ms` : '–';
}

/** Prints the rows added so far (nothing when no section added one). */
export function printSummary(): void {
  if (rows.length === 0) return;
  printTable(
    'Big traces: now / floor / ratio (every figure measured in this run)',
    ['figure', 'now', 'floor', 'ratio', 'goal', 'met'],
    rows.map((r) => [
      r.figure,
      r.now,
      r.floor,
      r.ratio === null ? '' : `${fmt(r.ratio, 2)}×`,
      r.goal,
      r.met === null ? '' : r.met ? 'yes' : 'no',
    ]),
  );
}
