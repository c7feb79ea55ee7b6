/**
 * The lab knows when its own clock slipped: a busy loop of a known length in the lab process, at
 * the moment a scaled run starts its fault, shows up as a `stall` record of at least that length,
 * and the checker calls every verdict it may have decided unreliable instead of pass or fail.
 */
import { describe, expect, it } from 'vitest';
import { formatReport, resultWord } from '../../../src/shared/check';
import { describeStall, stallThresholdMs, resolveTiming } from '../../../src/shared';
import type { StallRecord } from '../../../src/shared/trace/records';
import { StallMonitor, TICK_MS } from '../../../src/lab/stall-monitor';
import { findBuiltinScenario } from '../../../src/lab/scenario/library';
import { runScenario } from '../../../src/lab/scenario/runner';

/** Keeps this thread busy for `ms` (the event loop cannot run meanwhile). */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

describe('StallMonitor', () => {
  it('reports a tick as late as the clock says, from the threshold on', () => {
    let now = 0;
    const seen: number[] = [];
    const monitor = new StallMonitor(
      100,
      (ms) => seen.push(ms),
      () => now,
    );
    monitor.start();
    monitor.stop(); // driven by hand below
    now = TICK_MS + 30; // 30 ms late: below the threshold
    monitor.tick();
    now += TICK_MS + 250; // 250 ms late
    monitor.tick();
    expect(seen).toEqual([250]);
    expect(monitor.seen).toMatchObject({ worstMs: 250, ticks: 2, stalls: 1 });
  });

  it('measures a real busy loop at least as long as it was', async () => {
    const seen: number[] = [];
    const monitor = new StallMonitor(50, (ms) => seen.push(ms)).start();
    await new Promise((r) => setTimeout(r, 3 * TICK_MS));
    busy(300);
    await new Promise((r) => setTimeout(r, 3 * TICK_MS));
    monitor.stop();
    // The tick due during the loop ran after it: at least the loop's length minus one tick late.
    expect(Math.max(...seen)).toBeGreaterThanOrEqual(300 - TICK_MS);
  });
});

describe('the thresholds follow the smallest scaled timeout', () => {
  it('is a quarter of it, never under 50 ms', () => {
    expect(stallThresholdMs(resolveTiming({ timeScale: 1 }))).toBe(1125); // liveness 4.5 s
    expect(stallThresholdMs(resolveTiming({ timeScale: 0.1 }))).toBe(113);
    expect(stallThresholdMs(resolveTiming({ timeScale: 0.01 }))).toBe(50);
    expect(stallThresholdMs(resolveTiming({ timeScale: 0.1, mediaTimeoutMs: 2000 }))).toBe(50);
  });
});

describe('a stall made on purpose in a scaled run', () => {
  it('is recorded, and the verdicts around it are unreliable', async () => {
    const scenario = findBuiltinScenario('seed-ng')!;
    const faultStep = scenario.steps.findIndex((s) => s.do === 'fault');
    const STALL_MS = 600;
    const result = await runScenario(scenario, {
      timeScale: 0.1,
      // onStep runs in the lab process, just before the step acts: the fault starts right after.
      onStep: (index) => {
        if (index === faultStep) busy(STALL_MS);
      },
    });
    const text = formatReport(result.report);
    const stalls = result.records.filter((r): r is StallRecord => r.type === 'stall' && r.source === 'lab');
    const ours = stalls.find((s) => s.ms >= STALL_MS - TICK_MS);
    expect(ours, `lab stalls: ${JSON.stringify(stalls)}`).toBeDefined();
    expect(ours!.thresholdMs).toBe(113);
    const fault = result.records.find((r) => r.type === 'fault' && r.phase === 'start')!;
    // The stall ended as the fault began (both right after the busy loop).
    expect(ours!.t - ours!.ms).toBeLessThanOrEqual(fault.t);
    expect(ours!.t).toBeGreaterThanOrEqual(fault.t);

    const anchoredOnIt = result.report.expectations.filter((e) => e.expectation.afterFault === 0);
    expect(anchoredOnIt.length).toBeGreaterThan(0);
    for (const e of anchoredOnIt) {
      expect(e.verdict, text).toBe('unreliable');
      expect(e.stall?.seq).toBe(ours!.seq);
    }
    expect(result.report.unreliable).toBeGreaterThanOrEqual(anchoredOnIt.length);
    expect(result.report.ok).toBe(false);
    expect(['UNRELIABLE', 'FAIL']).toContain(resultWord(result.report));
    expect(text).toContain(describeStall(ours!, 0.1));
    expect(text).toMatch(
      /the lab stalled \d+(\.\d)? ms \(real\) at t = [\d.]+ s; at time scale 0\.1 that is [\d.]+ s of model time/,
    );
  }, 60_000);
});
