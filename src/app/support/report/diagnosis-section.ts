/**
 * The report's opening section: the diagnosis's verdict and one row per incident (when, whom,
 * which way, the likely cause, the summary and the records it rests on) — the same list the
 * dashboard shows at the top of Findings. Every value is escaped; summaries are redacted like the
 * records, since they quote what the records say.
 */
import type { Diagnosis, Incident } from '../../../shared/diagnose';
import { redact } from '../../../shared/trace/serialize';
import { esc, num } from './escape';

/** Evidence seqs listed per incident before "…". */
const MAX_EVIDENCE_LISTED = 12;

function span(i: Incident): string {
  const start = `${num(i.start / 1000, 1)} s`;
  return i.end === null ? `from ${start}` : `${start}–${num(i.end / 1000, 1)} s`;
}

function evidence(seqs: readonly number[]): string {
  const shown = seqs.slice(0, MAX_EVIDENCE_LISTED).join(', ');
  return seqs.length > MAX_EVIDENCE_LISTED ? `${shown}, …` : shown;
}

/** The verdict line and the incident table (times in model seconds since the trace start). */
export function diagnosisSection(diagnosis: Diagnosis): string {
  const verdict = `<p id="diagnosis-verdict" class="summary">${esc(diagnosis.verdict.text)}</p>`;
  if (diagnosis.incidents.length === 0) return `${verdict}<p>No incidents found in the records.</p>`;
  const rows = redact(diagnosis.incidents).map(
    (i) =>
      `<tr class="incident" data-incident="${esc(i.id)}" data-kind="${esc(i.kind)}" data-cause="${esc(i.cause.class)}">` +
      `<td>${esc(i.id)}</td><td>${esc(i.kind)}</td><td>${esc(span(i))}</td><td>${esc(i.subjectLabel)}</td>` +
      `<td>${esc(i.direction ?? '—')}</td><td>${esc(`${i.cause.class} (${Math.round(i.cause.confidence * 100)} %)`)}</td>` +
      `<td>${esc(i.summary)}${i.unreliable ? ' <span class="note">(the lab itself stalled meanwhile)</span>' : ''}</td>` +
      `<td>${esc(evidence(i.evidence))}</td></tr>`,
  );
  return `${verdict}<table id="incidents"><thead><tr><th>#</th><th>Kind</th><th>When</th><th>Who</th><th>Way</th><th>Likely cause</th><th>Summary</th><th>Evidence (seq)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
