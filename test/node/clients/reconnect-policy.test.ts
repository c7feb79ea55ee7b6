import { describe, expect, it } from 'vitest';
import { resolveTiming } from '../../../src/shared';
import {
  backoffDelay,
  ReconnectSchedule,
  scaledPolicy,
  seededRandom,
} from '../../../src/lab/clients/reconnect-policy';

const policy = { baseDelayMs: 100, factor: 2, maxDelayMs: 1000, jitter: 0 };

describe('reconnect policy', () => {
  it('grows exponentially from the base and stops at the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => backoffDelay(policy, n))).toEqual([
      0, 100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('spreads delays within ±jitter and never above the cap', () => {
    const random = seededRandom(42);
    const p = { ...policy, jitter: 0.2 };
    const delays = Array.from({ length: 200 }, () => backoffDelay(p, 3, random));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(320);
    expect(Math.max(...delays)).toBeLessThanOrEqual(480);
    expect(new Set(delays).size).toBeGreaterThan(50);
    const capped = Array.from({ length: 50 }, () => backoffDelay(p, 20, random));
    expect(Math.max(...capped)).toBeLessThanOrEqual(1000);
    expect(Math.min(...capped)).toBeGreaterThanOrEqual(800);
  });

  it('is reproducible with a seed', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('scales every duration with timeScale', () => {
    const p = scaledPolicy(resolveTiming({ timeScale: 0.1 }));
    expect(p.baseDelayMs).toBe(100);
    expect(p.budgetMs).toBe(120_000);
    expect(p.probeIntervalMs).toBe(50);
    expect(p.factor).toBe(2);
  });

  it('tracks attempts, failures, the next start time and the budget', () => {
    const s = new ReconnectSchedule(
      { ...resolveTiming().reconnect, ...policy, budgetMs: 5000 },
      1000,
      () => 0.5,
    );
    expect(s.waitBefore(1000)).toBe(0);
    expect(s.start()).toBe(1);
    expect(s.fail(1200)).toBe(100);
    expect(s.waitBefore(1250)).toBe(50);
    expect(s.start()).toBe(2);
    expect(s.fail(1400)).toBe(200);
    expect(s.attempts).toBe(2);
    expect(s.failures).toBe(2);
    expect(s.exhausted(5999)).toBe(false);
    expect(s.exhausted(6000)).toBe(true);
  });
});
