/**
 * The report's text sections: verdict, expectations, violations, findings and the event table.
 * Every value from the trace is escaped.
 */
import { resultWord, type CheckReport, type Delay, type FaultFinding } from '../../../shared/check';
import type { TraceRecord } from '../../../shared/trace/records';
import { redact } from '../../../shared/trace/serialize';
import { esc, num } from './escape';

/** Most rows of the event table; longer traces get a note. */
export const MAX_TABLE_ROWS = 20_000;

/** The overall verdict and counts. */
export function verdictSection(report: CheckReport): string {
  const passed = report.expectations.filter((e) => e.verdict === 'pass').length;
  const word = resultWord(report);
  const unreliable = report.unreliable
    ? `; ${report.unreliable} unreliable because the lab itself stalled around them`
    : '';
  return (
    `<p id="verdict" class="verdict ${word.toLowerCase().replace(/ /g, '-')}" data-verdict="${word}">${word}</p>` +
    `<p>${esc(`${report.violations.length} model violation(s); ${passed} of ${report.expectations.length} expectation(s) passed${unreliable}; ${report.findings.faults.length} fault(s).`)}</p>` +
    (report.warnings.length
      ? `<ul class="warnings">${report.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>`
      : '')
  );
}

/** One row per expectation. */
export function expectationsSection(report: CheckReport): string {
  if (report.expectations.length === 0) return '<p>No expectations in this trace.</p>';
  const rows = report.expectations.map(
    (e) =>
      `<tr class="expectation ${e.verdict}" data-verdict="${esc(e.verdict)}"><td>${esc(e.index)}</td><td>${esc(e.label)}</td><td>${esc(e.verdict.toUpperCase())}</td><td>${esc(e.outcome)}</td><td>${esc(e.message)}</td></tr>`,
  );
  return `<table id="expectations"><thead><tr><th>#</th><th>Expectation</th><th>Verdict</th><th>Outcome</th><th>Why</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The model violations. */
export function violationsSection(report: CheckReport): string {
  if (report.violations.length === 0) return '<p>No model violations.</p>';
  const rows = report.violations.map(
    (v) =>
      `<tr class="violation"><td>${esc(v.seq)}</td><td>${esc(num(v.t))}</td><td>${esc(v.uid ?? '')}</td><td>${esc(v.code)}</td><td>${esc(v.message)}</td></tr>`,
  );
  return `<table id="violations"><thead><tr><th>seq</th><th>t (ms)</th><th>uid</th><th>Code</th><th>Message</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function delay(d: Delay | null): string {
  return d === null ? '—' : `${num(d.ms, 0)} ms`;
}

function faultBlock(f: FaultFinding): string {
  const clients = f.clients.map((c) => {
    const observers = c.observers
      .map(
        (o) =>
          `<li>${esc(`uid ${o.observer}: unpublished ${delay(o.unpublished)}, left ${delay(o.left)}, re-joined ${delay(o.joined)}, re-published ${delay(o.published)}`)}</li>`,
      )
      .join('');
    return (
      `<li>${esc(`uid ${c.uid}: detection ${delay(c.detection)}, state at end ${c.stateAtEnd ?? '—'}, recovery ${delay(c.recovery)}, outage ${delay(c.outage)}, ${c.reconnectAttempts} reconnect attempt(s)`)}` +
      (observers ? `<ul>${observers}</ul>` : '') +
      '</li>'
    );
  });
  return (
    `<li class="finding"><strong>${esc(`fault ${f.index}: ${f.id} (${f.kind})`)}</strong> ` +
    esc(
      `target uid ${f.target.uid ?? 'server'}${f.target.path ? ` ${f.target.path}` : ''}, from ${num(f.startT, 0)} ms, duration ${delay(f.duration)}`,
    ) +
    (clients.length ? `<ul>${clients.join('')}</ul>` : '') +
    '</li>'
  );
}

/** Findings: per fault, per client and observer, plus media reconnections. Delays in scenario ms. */
export function findingsSection(report: CheckReport): string {
  const { faults, mediaReconnects, stalls } = report.findings;
  const stallItems = (stalls ?? []).map(
    (s) => `<li class="stall" data-source="${esc(s.source)}">${esc(`seq ${s.seq}: ${s.message}`)}</li>`,
  );
  const media = mediaReconnects.map(
    (m) =>
      `<li>${esc(`uid ${m.uid ?? '—'}${m.pc ? ` (${m.pc})` : ''} ICE restart at ${num(m.startT, 0)} ms, duration ${delay(m.duration)}`)}</li>`,
  );
  return (
    (faults.length
      ? `<ul id="findings">${faults.map(faultBlock).join('')}</ul>`
      : '<p>No faults in this trace.</p>') +
    (media.length ? `<h3>Media reconnections</h3><ul>${media.join('')}</ul>` : '') +
    (stallItems.length
      ? `<h3>The lab's own stalls</h3><p>The lab could not keep time here; what these overlap is unreliable.</p><ul id="stalls">${stallItems.join('')}</ul>`
      : '')
  );
}

const BASE_KEYS = new Set(['seq', 't', 'uid', 'type']);

function details(r: TraceRecord): string {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(redact(r))) if (!BASE_KEYS.has(k)) rest[k] = v;
  const text = JSON.stringify(rest);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/** Every record (up to {@link MAX_TABLE_ROWS}), redacted, one row each. */
export function eventTable(records: readonly TraceRecord[], maxRows = MAX_TABLE_ROWS): string {
  const shown = records.length > maxRows ? records.slice(0, maxRows) : records;
  const rows = shown.map(
    (r) =>
      `<tr class="event" data-seq="${esc(r.seq)}"><td>${esc(r.seq)}</td><td>${esc(num(r.t))}</td><td>${esc(r.uid ?? '')}</td><td>${esc(r.type)}</td><td>${esc(details(r))}</td></tr>`,
  );
  const note =
    records.length > maxRows
      ? `<p id="table-note" class="note">${esc(`Showing the first ${maxRows.toLocaleString('en')} of ${records.length.toLocaleString('en')} records; open the trace in Faultline for the rest.`)}</p>`
      : '';
  return `${note}<table id="events"><thead><tr><th>seq</th><th>t (ms)</th><th>uid</th><th>type</th><th>details</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
