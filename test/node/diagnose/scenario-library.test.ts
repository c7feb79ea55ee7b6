/**
 * The diagnosis engine against the scenario library: every built-in scenario, re-read with its
 * `fault` records and scenario removed, yields an incident of the injected kind's cause class
 * starting within 1.5 s (model) of each fault's start. Most scenarios are checked where they
 * already run (test/node/lab/library-runs.test.ts, seeds.test.ts, test/node/turn/scenarios.test.ts);
 * this file runs the one whose evidence needs a slower clock, and proves that every built-in
 * scenario with faults is checked somewhere.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinScenarios, findBuiltinScenario } from '../../../src/lab/scenario/library';
import { EXPECTED_CAUSE } from '../../../src/shared/diagnose';
import { expectFaultsDiagnosed } from '../../helpers/diagnosis';
import { runJudgedScenario } from '../../helpers/scenario';

const root = join(__dirname, '..', '..', '..');

/** Scenarios whose faults the diagnosis must explain (a fault step of a kind with an expected cause). */
function faultedScenarios(): string[] {
  return builtinScenarios()
    .filter((s) =>
      s.steps.some((step) => {
        const kind = step.do === 'fault' ? step.fault.kind : step.do;
        return typeof EXPECTED_CAUSE[kind] === 'string';
      }),
    )
    .map((s) => s.name);
}

describe('the diagnosis explains every built-in scenario read blind', () => {
  // Loss shows only in packets, and only in audio's: video's lost packets are repaired by
  // retransmission before the receiver counts them. A model second carries 50 × timeScale audio
  // packets, so at time scale 0.1 a 1 s stats sample holds ~5 and a 20 % loss is often invisible
  // for the first 1.5 model seconds (0.8^7.5: one run in five, by physics, not by a bug). At 0.5 (~25 per
  // sample) the burst is dated from the first sample with any loss next to a lossy run, so it
  // misses only when the first two samples after the start both lose nothing: 0.8^50 ≈ 1.4·10⁻⁵.
  it('lossy-uplink at time scale 0.5: a lossy-path incident where the loss began', async () => {
    const result = await runJudgedScenario(findBuiltinScenario('lossy-uplink')!, { timeScale: 0.5 });
    expect(result.errors).toEqual([]);
    const [fault] = expectFaultsDiagnosed(result);
    expect(fault!.expectedCause).toBe('lossy-path');
  }, 90_000);

  it('every built-in scenario with faults is diagnosed blind by some test', () => {
    const sources = [
      'test/node/lab/library-runs.test.ts',
      'test/node/lab/seeds.test.ts',
      'test/node/turn/scenarios.test.ts',
      'test/node/diagnose/scenario-library.test.ts',
    ].map((f) => readFileSync(join(root, f), 'utf8'));
    expect(sources.every((s) => s.includes('expectFaultsDiagnosed('))).toBe(true);
    const library = readFileSync(join(root, 'test/node/lab/library-runs.test.ts'), 'utf8');
    const faulted = faultedScenarios();
    expect(faulted.length).toBeGreaterThanOrEqual(10);
    for (const name of faulted) {
      // library-runs covers every scenario that is not a seed nor a TURN one (loss: here, above).
      const covered =
        name === 'lossy-uplink' ||
        name.startsWith('seed-') ||
        name.startsWith('turn-') ||
        (library.includes("!s.name.startsWith('seed-') && !s.turn") && !findBuiltinScenario(name)!.turn);
      expect(covered, name).toBe(true);
    }
  });
});
