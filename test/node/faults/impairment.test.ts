import { afterEach, describe, expect, it, vi } from 'vitest';
import { Impairment, type ImpairmentOptions } from '../../../src/lab/faults/impairment';
import { mulberry32 } from '../../../src/shared/random';

function make<T = number>(mode: 'datagram' | 'stream', extra: Partial<ImpairmentOptions<T>> = {}) {
  const out: T[] = [];
  const imp = new Impairment<T>({
    mode,
    random: mulberry32(42),
    deliver: (x) => out.push(x),
    now: () => Date.now(),
    ...extra,
  });
  return { imp, out };
}

/** Lengths of the runs of consecutive drops in a drop pattern. */
function runLengths(pattern: boolean[]): number[] {
  const runs: number[] = [];
  let run = 0;
  for (const d of pattern) {
    if (d) run += 1;
    else if (run > 0) {
      runs.push(run);
      run = 0;
    }
  }
  if (run > 0) runs.push(run);
  return runs;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Impairment loss', () => {
  it('random 20 % loss drops about 20 % of 2,000 datagrams, reproducibly for a seed', () => {
    const patterns: boolean[][] = [];
    for (let rep = 0; rep < 2; rep++) {
      const { imp } = make('datagram');
      imp.add('l', { kind: 'loss', pct: 20 });
      patterns.push(Array.from({ length: 2000 }, (_, i) => imp.push(i, 100) === 'dropped'));
    }
    const dropped = patterns[0]!.filter(Boolean).length;
    expect(dropped / 2000).toBeGreaterThan(0.15);
    expect(dropped / 2000).toBeLessThan(0.25);
    expect(patterns[1]).toEqual(patterns[0]);
  });

  it('the burst model makes runs of about meanLength at about the asked rate', () => {
    const { imp } = make('datagram');
    imp.add('l', { kind: 'loss', pct: 20, meanLength: 4 });
    const pattern = Array.from({ length: 5000 }, (_, i) => imp.push(i, 100) === 'dropped');
    const rate = pattern.filter(Boolean).length / pattern.length;
    const runs = runLengths(pattern);
    const mean = runs.reduce((a, b) => a + b, 0) / runs.length;
    expect(rate).toBeGreaterThan(0.12);
    expect(rate).toBeLessThan(0.28);
    expect(mean).toBeGreaterThan(1.5);
    expect(mean).toBeGreaterThan(2.5);
    // Independent loss at the same rate has mean run ≈ 1/(1-p) = 1.25.
    const indep = make('datagram');
    indep.imp.add('l', { kind: 'loss', pct: 20 });
    const ip = Array.from({ length: 5000 }, (_, i) => indep.imp.push(i, 100) === 'dropped');
    const ir = runLengths(ip);
    expect(ir.reduce((a, b) => a + b, 0) / ir.length).toBeLessThan(1.5);
  });

  it('0 % drops nothing and 100 % drops everything; stream mode never drops', () => {
    const a = make('datagram');
    a.imp.add('l', { kind: 'loss', pct: 0 });
    const b = make('datagram');
    b.imp.add('l', { kind: 'loss', pct: 100, meanLength: 3 });
    const s = make('stream');
    s.imp.add('l', { kind: 'loss', pct: 100 });
    for (let i = 0; i < 100; i++) {
      a.imp.push(i, 1);
      b.imp.push(i, 1);
      s.imp.push(i, 1);
    }
    expect(a.out).toHaveLength(100);
    expect(b.out).toHaveLength(0);
    expect(b.imp.counters().dropped).toBe(100);
    expect(s.out).toHaveLength(100);
  });
});

describe('Impairment blackhole', () => {
  it('datagram: drops while active (including delayed packets in flight), passes after removal', () => {
    vi.useFakeTimers();
    const { imp, out } = make('datagram');
    imp.add('lat', { kind: 'latency', ms: 50, jitterMs: 0 });
    imp.push(1, 10);
    imp.add('bh', { kind: 'blackhole' });
    expect(imp.push(2, 10)).toBe('dropped');
    vi.advanceTimersByTime(200);
    expect(out).toEqual([]);
    imp.remove('bh');
    imp.remove('lat');
    expect(imp.push(3, 10)).toBe('delivered');
    expect(out).toEqual([3]);
    expect(imp.counters()).toMatchObject({ packets: 3, delivered: 1, dropped: 2 });
  });

  it('stream: holds in order (delayed chunks first) and releases everything on clear', () => {
    vi.useFakeTimers();
    const { imp, out } = make<string>('stream');
    imp.add('lat', { kind: 'latency', ms: 100, jitterMs: 0 });
    imp.push('a', 1);
    imp.push('b', 1);
    imp.add('bh', { kind: 'blackhole' });
    expect(imp.push('c', 1)).toBe('held');
    vi.advanceTimersByTime(500);
    expect(out).toEqual([]);
    expect(imp.counters().held).toBe(3);
    imp.remove('lat');
    imp.remove('bh');
    expect(out).toEqual(['a', 'b', 'c']);
    expect(imp.counters().held).toBe(0);
  });

  it('two blackholes: the path opens only when both are cleared', () => {
    const { imp, out } = make<string>('stream');
    imp.add('b1', { kind: 'blackhole' });
    imp.add('b2', { kind: 'blackhole' });
    imp.push('x', 1);
    imp.remove('b1');
    expect(out).toEqual([]);
    imp.remove('b2');
    expect(out).toEqual(['x']);
  });

  it('stream: calls onHoldOverflow past the hold cap', () => {
    const onHoldOverflow = vi.fn();
    const { imp } = make<string>('stream', { holdCapBytes: 1000, onHoldOverflow });
    imp.add('bh', { kind: 'blackhole' });
    imp.push('a', 600);
    expect(onHoldOverflow).not.toHaveBeenCalled();
    imp.push('b', 600);
    expect(onHoldOverflow).toHaveBeenCalledTimes(1);
  });
});

describe('Impairment latency and jitter', () => {
  it('delays by ms; stream order is kept under jitter', () => {
    vi.useFakeTimers();
    const { imp, out } = make('stream');
    imp.add('lat', { kind: 'latency', ms: 50, jitterMs: 40 });
    for (let i = 0; i < 200; i++) imp.push(i, 1);
    vi.advanceTimersByTime(9);
    expect(out).toEqual([]);
    vi.advanceTimersByTime(200);
    expect(out).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('datagram jitter spreads delays (and may reorder)', () => {
    vi.useFakeTimers();
    const start = Date.now();
    const arrivals = new Map<number, number>();
    const imp = new Impairment<number>({
      mode: 'datagram',
      random: mulberry32(7),
      now: () => Date.now(),
      deliver: (i) => arrivals.set(i, Date.now() - start),
    });
    imp.add('lat', { kind: 'latency', ms: 50, jitterMs: 30 });
    for (let i = 0; i < 200; i++) imp.push(i, 1);
    vi.advanceTimersByTime(200);
    const delays = [...arrivals.values()];
    expect(delays).toHaveLength(200);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(19);
    expect(Math.max(...delays)).toBeLessThanOrEqual(81);
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(30);
  });

  it('two latency rules add up', () => {
    vi.useFakeTimers();
    const { imp, out } = make('datagram');
    imp.add('a', { kind: 'latency', ms: 30, jitterMs: 0 });
    imp.add('b', { kind: 'latency', ms: 40, jitterMs: 0 });
    imp.push(1, 1);
    vi.advanceTimersByTime(65);
    expect(out).toEqual([]);
    vi.advanceTimersByTime(10);
    expect(out).toEqual([1]);
  });
});

describe('Impairment bandwidth', () => {
  it('datagram: tail-drops beyond ~200 ms of backlog and paces the rest', () => {
    vi.useFakeTimers();
    const { imp, out } = make('datagram');
    imp.add('bw', { kind: 'bandwidth', kbps: 80 }); // 10 bytes/ms
    const outcomes = Array.from({ length: 20 }, (_, i) => imp.push(i, 1000)); // 100 ms each
    expect(outcomes.filter((o) => o === 'queued').length).toBe(3); // starts at 0, 100, 200 ms
    expect(outcomes.filter((o) => o === 'dropped').length).toBe(17);
    vi.advanceTimersByTime(150);
    expect(out).toEqual([0]);
    vi.advanceTimersByTime(200);
    expect(out).toEqual([0, 1, 2]);
  });

  it('stream: never drops; the lowest rate wins; drain fires when the backlog empties', () => {
    vi.useFakeTimers();
    const { imp, out } = make('stream', { lowWaterBytes: 0 });
    imp.add('a', { kind: 'bandwidth', kbps: 800 });
    imp.add('b', { kind: 'bandwidth', kbps: 80 }); // 10 bytes/ms
    const drained = vi.fn();
    imp.onDrain(drained);
    for (let i = 0; i < 10; i++) expect(imp.push(i, 1000)).toBe('queued');
    expect(imp.preferredChunkBytes()).toBe(512);
    vi.advanceTimersByTime(550);
    expect(out.length).toBeGreaterThanOrEqual(4);
    expect(out.length).toBeLessThanOrEqual(6);
    expect(drained).not.toHaveBeenCalled();
    vi.advanceTimersByTime(600);
    expect(out).toHaveLength(10);
    expect(drained).toHaveBeenCalledTimes(1);
  });
});

describe('Impairment dispose', () => {
  it('stops its timer and ignores later pushes', () => {
    vi.useFakeTimers();
    const { imp, out } = make('datagram');
    imp.add('lat', { kind: 'latency', ms: 10, jitterMs: 0 });
    imp.push(1, 1);
    imp.dispose();
    expect(vi.getTimerCount()).toBe(0);
    expect(imp.push(2, 1)).toBe('dropped');
    vi.advanceTimersByTime(100);
    expect(out).toEqual([]);
  });
});
