import { describe, expect, it } from 'vitest';
import type { Lab } from '../../../src/lab/lab';
import { findBuiltinScenario } from '../../../src/lab/scenario/library';
import { runSoak } from '../../../src/lab/soak';
import { waitFor } from '../../helpers/wait';

describe('soak abort (Ctrl-C)', () => {
  it('cuts the iteration short, disposes the lab and still reports', async () => {
    const abort = new AbortController();
    let lab: Lab | null = null;
    const soak = runSoak(findBuiltinScenario('seed-ng')!, {
      durationMs: 3_600_000,
      seed: 3,
      timeScale: 0.1,
      sampleIntervalMs: 200,
      signal: abort.signal,
      onLab: (l) => (lab = l),
    });
    await waitFor(
      () => lab !== null && lab.recorder.snapshot().some((r) => r.type === 'fault'),
      'the first fault',
      60_000,
    );
    abort.abort();
    const report = await soak;
    expect(report).toMatchObject({ aborted: true, iterations: 1, errors: [] });
    expect(report.elapsedMs).toBeLessThan(60_000);
    expect(lab!.activeFaults()).toEqual([]);
    expect(lab!.serverInfo().up).toBe(false);
    expect(report.processes.find((p) => p.name === 'lab')?.rssMiB?.points).toBeGreaterThan(0);
  }, 90_000);
});
