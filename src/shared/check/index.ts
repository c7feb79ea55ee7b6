/**
 * The trace checker (pure; the CLI and the renderer both use it): verifies a trace against the
 * seed connection model, judges scenario expectations, and measures findings around faults.
 */
import { z } from 'zod';
import { ExpectationSchema } from '../scenario/schema';
import type { Expectation } from '../scenario/schema';
import type { TraceRecord } from '../trace/records';
import { evaluateExpectation } from './expectations';
import { collectFaults } from './faults';
import { computeFindings } from './findings';
import { collectStalls, stallLookbackMs } from './stalls';
import { TIMELINE_START_MARK } from '../trace/records';
import { verifyModel } from './model-check';
import { violationMessage } from './messages';
import { DEFAULT_UNSCALED_JITTER_MS, vocabularyOf } from './types';
import type { CheckInput, CheckOptions, CheckReport, ExpectationResult } from './types';

export * from './types';
export { formatReport, resultWord } from './format';
export type { ResultWord } from './format';
export type { FormatOptions } from './format';
export { describeExpectation, violationMessage } from './messages';
export { collectFaults, toDelay } from './faults';
export { collectStalls } from './stalls';
export type { FaultWindow } from './faults';

function expectationsOf(
  input: CheckInput,
  given: readonly Expectation[] | undefined,
  warnings: string[],
): Array<{ e: Expectation } | { error: string; raw: unknown }> {
  if (given !== undefined) {
    return given.map((raw) => {
      const parsed = ExpectationSchema.safeParse(raw);
      return parsed.success
        ? { e: parsed.data }
        : { error: parsed.error.issues[0]?.message ?? 'invalid', raw };
    });
  }
  const scenario = input.header.scenario as { expect?: unknown } | null | undefined;
  if (!scenario || typeof scenario !== 'object' || scenario.expect === undefined) return [];
  const parsed = z.array(z.unknown()).safeParse(scenario.expect);
  if (!parsed.success) {
    warnings.push('The header scenario has an `expect` that is not a list; no expectations were checked.');
    return [];
  }
  return parsed.data.map((raw) => {
    const one = ExpectationSchema.safeParse(raw);
    return one.success ? { e: one.data } : { error: one.error.issues[0]?.message ?? 'invalid', raw };
  });
}

/**
 * Checks a trace. Records may come in any order (they are sorted by seq, stably);
 * `ok` is true when there is no violation and every expectation passes.
 */
export function checkTrace(input: CheckInput, opts: CheckOptions = {}): CheckReport {
  const vocabulary = vocabularyOf(opts.profile);
  const timeScale = input.header.timeScale > 0 ? input.header.timeScale : 1;
  const warnings: string[] = [];
  let records: readonly TraceRecord[] = input.records;
  for (let i = 1; i < records.length; i++) {
    if (records[i]!.seq < records[i - 1]!.seq) {
      records = [...records].sort((a, b) => a.seq - b.seq);
      warnings.push('Records were not in seq order; they were checked in seq order.');
      break;
    }
  }
  const { faults, violations: faultViolations } = collectFaults(records);
  const violations = [...verifyModel(records, vocabulary), ...faultViolations]
    .map((v) => ({ ...v, message: violationMessage(v, vocabulary) }))
    .sort((a, b) => a.seq - b.seq);

  const stalls = collectStalls(records, timeScale);
  const timelineStart = records.find((r) => r.type === 'mark' && r.kind === TIMELINE_START_MARK);
  const context = {
    records,
    faults,
    timeScale,
    vocabulary,
    unscaledJitterMs: opts.unscaledJitterMs ?? DEFAULT_UNSCALED_JITTER_MS,
    timelineStartT: timelineStart?.t ?? 0,
    stalls,
    stallLookbackMs: stallLookbackMs(input.header, timeScale),
  };
  const expectations: ExpectationResult[] = expectationsOf(input, opts.expectations, warnings).map(
    (item, index) => {
      if ('e' in item) return evaluateExpectation(item.e, index, context);
      warnings.push(`Expectation ${index} is not valid (${item.error}); it counts as failed.`);
      return {
        index,
        expectation: item.raw as Expectation,
        label: `expectation ${index} (invalid)`,
        verdict: 'fail',
        outcome: 'no-anchor',
        anchor: { kind: 'start', t: null },
        window: null,
        slackMs: 0,
        match: null,
        delay: null,
        message: `not a valid expectation: ${item.error}`,
      };
    },
  );

  const findings = { ...computeFindings(records, faults, timeScale), stalls };
  const ok = violations.length === 0 && expectations.every((e) => e.verdict === 'pass');
  const unreliable = expectations.filter((e) => e.verdict === 'unreliable').length;
  return { ok, unreliable, violations, expectations, findings, vocabulary, timeScale, warnings };
}
