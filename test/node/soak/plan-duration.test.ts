import { describe, expect, it } from 'vitest';
import { findBuiltinScenario } from '../../../src/lab/scenario/library';
import {
  BoundedSeries,
  DurationError,
  formatDuration,
  parseDuration,
  planIteration,
  slopePerHour,
  summarize,
} from '../../../src/lab/soak';
import { ClientFaultSchema, type Scenario } from '../../../src/shared';

describe('parseDuration', () => {
  it('reads seconds, minutes, hours and combinations', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration(' 1.5s ')).toBe(1500);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1d')).toBe(86_400_000);
  });

  it.each([
    ['', 'empty'],
    ['30', 'no unit'],
    ['30x', 'unexpected "30x"'],
    ['m30', 'unexpected "m30"'],
    ['10m foo', 'unexpected " foo"'],
    ['0s', 'longer than zero'],
    ['8d', 'longer than a week'],
    ['-5m', 'unexpected "-5m"'],
  ])('rejects %j with a specific message', (input, reason) => {
    expect(() => parseDuration(input)).toThrow(DurationError);
    expect(() => parseDuration(input)).toThrow(reason);
  });

  it('formats durations for people', () => {
    expect(formatDuration(12_345)).toBe('12.3s');
    expect(formatDuration(245_000)).toBe('4m 05s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
  });
});

describe('planIteration', () => {
  const seedNg = findBuiltinScenario('seed-ng')!;

  it('gives the same plan for the same seed and iteration, and others otherwise', () => {
    const a = planIteration(seedNg, 42, 3);
    const b = planIteration(seedNg, 42, 3);
    expect(b).toEqual(a);
    const plans = new Set(
      Array.from({ length: 20 }, (_, i) => JSON.stringify(planIteration(seedNg, 42, i).steps)),
    );
    expect(plans.size).toBeGreaterThan(15);
    expect(planIteration(seedNg, 43, 3).seed).not.toBe(a.seed);
  });

  it('replaces the scenario faults with valid random faults inside the bounds, keeping the rest', () => {
    const kinds = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const plan = planIteration(seedNg, 1, i, { minMs: 1000, maxMs: 25_000 });
      expect(plan.steps.filter((s) => s.do !== 'fault')).toEqual(
        seedNg.steps.filter((s) => s.do !== 'fault'),
      );
      const faults = plan.steps.filter((s) => s.do === 'fault');
      expect(faults).toHaveLength(1);
      expect(plan.faults).toHaveLength(1);
      for (const f of faults) {
        expect(ClientFaultSchema.safeParse(f.fault).success).toBe(true);
        expect(f.forMs).toBeGreaterThanOrEqual(1000);
        expect(f.forMs).toBeLessThanOrEqual(25_000);
        expect(f.at + f.forMs!).toBeLessThan(41_000); // ends before the next step (leave)
        kinds.add(f.fault.kind);
      }
    }
    expect([...kinds].sort()).toEqual(['bandwidth', 'blackhole', 'ip-change', 'latency', 'loss', 'reset']);
  });

  it('adds a fault halfway through a scenario that has none', () => {
    const calm: Scenario = { ...seedNg, steps: seedNg.steps.filter((s) => s.do !== 'fault') };
    const plan = planIteration(calm, 9, 0);
    const fault = plan.steps.find((s) => s.do === 'fault');
    expect(fault).toMatchObject({ at: 21_500, uid: 1 });
  });
});

describe('BoundedSeries', () => {
  it('never holds more than maxPoints, keeps the first and the latest, and spans the whole run', () => {
    const series = new BoundedSeries(16);
    for (let i = 0; i < 10_000; i++) series.add(i * 1000, i);
    const values = series.values();
    expect(values.length).toBeLessThanOrEqual(17);
    expect(values[0]).toEqual({ t: 0, v: 0 });
    expect(values.at(-1)).toEqual({ t: 9_999_000, v: 9999 });
    expect(series.summary()).toMatchObject({ start: 0, max: 9999, end: 9999 });
  });

  it('summarizes with a least-squares slope per hour', () => {
    // 1 MiB per minute = 60 MiB per hour, with noise that cancels out
    const points = Array.from({ length: 61 }, (_, i) => ({
      t: i * 60_000,
      v: 100 + i + (i % 2 ? 0.5 : -0.5),
    }));
    expect(slopePerHour(points)).toBeCloseTo(60, 0);
    expect(summarize(points)).toMatchObject({ start: 99.5, end: 159.5, max: 159.5 });
    expect(summarize([])).toBeNull();
    expect(slopePerHour([{ t: 0, v: 1 }])).toBe(0);
  });
});
