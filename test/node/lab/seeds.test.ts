/**
 * The seeds' T0–T10 timeline end to end at time scale 0.1, checked by the checker: UID 2 sees
 * user-unpublished ~10 s and user-left ~20 s (scaled) after UID 1's network drops, then
 * user-joined and user-published after UID 1 reconnects. Read blind (faults and scenario removed),
 * the diagnosis finds the blackhole where the fault began.
 */
import { describe, expect, it } from 'vitest';
import { findBuiltinScenario } from '../../../src/lab/scenario/library';
import { runJudgedScenario } from '../../helpers/scenario';
import { formatReport } from '../../../src/shared/check';
import { expectFaultsDiagnosed } from '../../helpers/diagnosis';

describe.each(['seed-ng', 'seed-legacy'])('%s at --time-scale 0.1', (name) => {
  it('passes every expectation of the seed timeline', async () => {
    const scenario = findBuiltinScenario(name)!;
    const result = await runJudgedScenario(scenario, { timeScale: 0.1 });
    const text = formatReport(result.report, {
      vocabulary: scenario.profile === 'legacy' ? 'legacy' : 'current',
    });
    expect(result.errors, text).toEqual([]);
    expect(result.report.violations, text).toEqual([]);
    expect(
      result.report.expectations.map((e) => e.verdict),
      text,
    ).toEqual(scenario.expect.map(() => 'pass'));
    expect(result.report.ok, text).toBe(true);

    const observed = result.records
      .filter((r) => r.type === 'peer' && r.uid === 2 && r.peer === 1)
      .map((r) => (r.type === 'peer' ? r.event : ''));
    const drop = observed.indexOf('user-unpublished');
    expect(drop).toBeGreaterThan(-1);
    expect(observed.slice(drop)).toEqual(
      expect.arrayContaining(['user-left', 'user-joined', 'user-published']),
    );
    expect(observed.indexOf('user-left', drop)).toBeLessThan(observed.lastIndexOf('user-joined'));
    // Read blind, the diagnosis finds the blackhole where the fault began.
    expectFaultsDiagnosed(result);
  }, 90_000);
});
