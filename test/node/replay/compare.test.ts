import { describe, expect, it } from 'vitest';
import { compareTraces, formatCompareValue } from '../../../src/shared/replay';
import { header, Records, seed } from './build';

const expect0 = [
  {
    event: 'user-joined',
    observer: 2,
    peer: 1,
    afterFaultEnd: 0,
    withinMs: [0, 2000],
    label: 'rejoins fast',
  },
];

describe('compareTraces', () => {
  it('aligns on the first fault and lists recovery, detection, attempts and observer delays', () => {
    const a = { header: header(expect0), records: seed(5000, 4500, 1200, 1).list };
    const b = { header: header(expect0), records: seed(8000, 6000, 9800, 4).list };
    const c = compareTraces(a, b);
    expect(c.anchorA).toBe(5000);
    expect(c.anchorB).toBe(8000);
    expect(c.offset).toBe(3000);
    const find = (metric: string, observer?: number) =>
      c.rows.find((r) => r.metric === metric && r.uid === 1 && r.observer === observer);
    expect(find('recovery')).toMatchObject({ a: 1200, b: 9800, delta: 8600, differs: true });
    expect(find('recovery')!.ratio).toBeCloseTo(9800 / 1200);
    expect(find('detection')).toMatchObject({ a: 4500, b: 6000, delta: 1500 });
    expect(find('reconnect-attempts')).toMatchObject({ a: 1, b: 4, delta: 3 });
    expect(find('user-left', 2)).toMatchObject({ a: 20_000, b: 20_000, delta: 0, ratio: 1, differs: false });
    expect(find('user-unpublished', 2)).toMatchObject({ a: 10_000, b: 10_000 });
    expect(formatCompareValue('recovery', 1200)).toBe('1.2 s');
    expect(formatCompareValue('reconnect-attempts', 4)).toBe('4');
    expect(formatCompareValue('recovery', null)).toBe('—');
    expect(c.verdicts.length).toBe(1);
    expect(c.verdicts[0]).toMatchObject({ label: 'rejoins fast', a: 'pass', b: 'fail', changed: true });
  });

  it('reports a verdict change', () => {
    const exp = [{ state: 'CONNECTED', uid: 1, afterFaultEnd: 0, withinMs: [0, 3000], label: 'back in 3 s' }];
    const a = { header: header(exp), records: seed(5000, 4500, 1200).list };
    const b = { header: header(exp), records: seed(5000, 4500, 9800).list };
    const c = compareTraces(a, b);
    expect(c.verdicts).toEqual([{ index: 0, label: 'back in 3 s', a: 'pass', b: 'fail', changed: true }]);
  });

  it('compares a trace without faults without throwing', () => {
    const plain = new Records().state(0, 1, 'DISCONNECTED', 'CONNECTING').list;
    const c = compareTraces({ header: header(), records: plain }, { header: header(), records: seed().list });
    expect(c.offset).toBe(0);
    expect(c.rows).toEqual([]);
    expect(c.notes.join(' ')).toMatch(/no fault/);
  });
});
