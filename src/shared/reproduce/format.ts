/** Plain-text forms of a reproduction and of its comparison, for the CLI and for tickets. */
import type { Reproduction } from './types';
import type { ReproductionComparison } from './compare';

const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const signed = (ms: number): string => `${ms >= 0 ? '+' : '−'}${Math.abs(Math.round(ms))} ms`;

/** What the reproduction plays and what it leaves out, one line per incident. */
export function formatReproduction(r: Reproduction): string {
  const lines = [
    `Scenario "${r.scenario.name}": ${r.scenario.participants.length} participants, ${r.scenario.steps.length} steps.`,
  ];
  for (const i of r.incidents) {
    if (i.step !== null) {
      const step = r.scenario.steps[i.step]!;
      const what = step.do === 'fault' ? `fault ${step.fault.kind} on uid ${step.uid}` : step.do;
      const long = 'forMs' in step && step.forMs !== undefined ? ` for ${secs(step.forMs)}` : '';
      lines.push(`  ${i.incidentId}: ${what} at ${secs(step.at)}${long}`);
    } else lines.push(`  ${i.incidentId}: not reproduced — ${i.skipped}`);
  }
  for (const note of r.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}

/** The comparison: matches with their offsets, what did not show, and the state sequences. */
export function formatComparison(c: ReproductionComparison): string {
  const lines = [`Similarity: ${c.similarity.text}`];
  if (c.anchorOriginal !== null && c.anchorReproduction !== null)
    lines.push(
      `Aligned on the first incident: original ${secs(c.anchorOriginal)}, reproduction ${secs(c.anchorReproduction)}.`,
    );
  for (const m of c.matches) {
    const head = `  ${m.original.id} ${m.original.kind} (${m.original.subjectLabel}, ${m.original.cause.class})`;
    if (!m.reproduced) {
      lines.push(`${head}: not shown by the reproduction${m.nearMiss ? ` (${m.nearMiss})` : ''}`);
      continue;
    }
    const kind = m.sameKind ? '' : ` as ${m.reproduced.kind}`;
    const cause = m.sameCause ? '' : `, cause ${m.reproduced.cause.class}`;
    const dur = m.durationDeltaMs === null ? '' : `, duration ${signed(m.durationDeltaMs)}`;
    lines.push(`${head}: ${m.reproduced.id}${kind}${cause}, start ${signed(m.startDeltaMs ?? 0)}${dur}`);
  }
  for (const x of c.extra.slice(0, 20))
    lines.push(`  (reproduction only) ${x.id} ${x.kind} on ${x.subjectLabel}`);
  for (const s of c.states) {
    lines.push(`States of ${s.label}:`);
    lines.push(`  original:     ${s.original.join(' → ') || '—'}`);
    lines.push(`  reproduction: ${s.reproduction.join(' → ') || '—'}`);
  }
  return lines.join('\n');
}
