/**
 * The self-contained HTML report of one trace: no network, no scripts, inline CSS and inline
 * SVG charts, a strict Content-Security-Policy. Every string of the trace is escaped and the trace's
 * own secret guard applies; addresses and names appear as given, so callers that mail it around
 * hand it a redacted trace (a bundle's `report.html`, `faultline report` unless `--no-redact`).
 */
import { checkTrace } from '../../../shared/check';
import { diagnoseTrace } from '../../../shared/diagnose';
import type { CheckReport } from '../../../shared/check';
import type { Vocabulary } from '../../../shared/model/vocabulary';
import type { TraceHeader, TraceRecord } from '../../../shared/trace/records';
import { redact } from '../../../shared/trace/serialize';
import { TraceIndex } from '../../../shared/view/trace-index';
import { diagnosisSection } from './diagnosis-section';
import { esc } from './escape';
import {
  eventTable,
  expectationsSection,
  findingsSection,
  MAX_TABLE_ROWS,
  verdictSection,
  violationsSection,
} from './sections';
import { linkStatsSvg, peerEventsSvg, swimlanesSvg } from './svg';

/** The policy in the page's meta tag: nothing may load, only inline styles and data images. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** Options of {@link renderReport}. */
export interface RenderReportOptions {
  /** Vocabulary of labels and messages; default: the scenario's profile, else current. */
  vocabulary?: Vocabulary;
  /** Most event-table rows (default {@link MAX_TABLE_ROWS}). */
  maxTableRows?: number;
  /** When the report was made (default now), shown in the footer. */
  now?: () => Date;
}

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2330;background:#fff}
h1{font-size:20px}h2{font-size:16px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:12px}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
td:last-child{word-break:break-all}
.verdict{font-size:22px;font-weight:bold}.pass{color:#1f7a45}.fail{color:#c62828}.unreliable{color:#a86200}.no-expectations{color:#a86200}
tr.fail td{background:#fdecec}.summary{color:#444;margin:4px 0}.note{color:#8a5a00}
.key{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}.dashed{border-left:2px dashed #e5484d;width:0}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px}dt{font-weight:bold}
`;

function vocabularyFor(header: TraceHeader, given: Vocabulary | undefined): Vocabulary {
  if (given) return given;
  const scenario = header.scenario as { profile?: unknown } | null;
  return scenario && typeof scenario === 'object' && scenario.profile === 'legacy' ? 'legacy' : 'current';
}

function headerSection(header: TraceHeader, records: readonly TraceRecord[]): string {
  const scenario = header.scenario as { name?: unknown } | null;
  const name =
    scenario && typeof scenario === 'object' && typeof scenario.name === 'string' ? scenario.name : '—';
  const items: Array<[string, unknown]> = [
    ['Scenario', name],
    ['Started', header.startedAt],
    ['Time scale', header.timeScale],
    ['App', `${header.app.name} ${header.app.version}`],
    ['Records', records.length],
  ];
  return `<dl id="header">${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

/**
 * Renders the report: header facts, the diagnosis's incidents, the checker's verdict,
 * expectations, violations and findings, the three charts and the event table. Records may be
 * in any order.
 */
export function renderReport(
  header: TraceHeader,
  records: readonly TraceRecord[],
  opts: RenderReportOptions = {},
): string {
  const vocabulary = vocabularyFor(header, opts.vocabulary);
  const clean = redact(header);
  const sorted = [...records].sort((a, b) => a.seq - b.seq);
  const report: CheckReport = checkTrace(
    { header: clean, records: sorted },
    { profile: vocabulary === 'legacy' ? 'legacy' : 'ng' },
  );
  const index = new TraceIndex();
  index.header = clean;
  index.ingest(sorted);
  const now = (opts.now ?? (() => new Date()))();
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(REPORT_CSP)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(`Faultline report — ${(header.scenario as { name?: unknown } | null)?.name ?? header.startedAt}`)}</title>`,
    `<style>${CSS}</style></head><body>`,
    '<h1>Faultline report</h1>',
    headerSection(clean, sorted),
    '<h2>Diagnosis</h2>',
    diagnosisSection(diagnoseTrace({ header: clean, records: sorted })),
    '<h2>Verdict</h2>',
    verdictSection(report),
    '<h2>Expectations</h2>',
    expectationsSection(report),
    '<h2>Model violations</h2>',
    violationsSection(report),
    '<h2>Findings</h2>',
    findingsSection(report),
    '<h2>Connection states</h2>',
    swimlanesSvg(index, vocabulary),
    '<h2>Peer events</h2>',
    peerEventsSvg(index, vocabulary),
    '<h2>Link statistics</h2>',
    linkStatsSvg(index) || '<p>No link statistics in this trace.</p>',
    '<h2>Events</h2>',
    eventTable(sorted, opts.maxTableRows ?? MAX_TABLE_ROWS),
    `<footer><p class="summary">${esc(`Generated ${now.toISOString()} by Faultline. Delays in scenario ms (trace ms ÷ time scale).`)}</p></footer>`,
    '</body></html>',
    '',
  ].join('\n');
}
