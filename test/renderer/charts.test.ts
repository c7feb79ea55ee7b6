import { describe, expect, it } from 'vitest';
import { buildAnnotations, CHART_THEMES } from '../../src/shared/view/charts/annotations';
import { decimateMinMax } from '../../src/shared/view/charts/decimate';
import { buildLinkStats } from '../../src/shared/view/charts/link-stats';
import { buildPeerEvents, thresholdDelays } from '../../src/shared/view/charts/peer-events';
import { buildReconnects } from '../../src/shared/view/charts/reconnects';
import { buildSwimlanes, swimlaneTooltip } from '../../src/shared/view/charts/swimlanes';
import { TraceIndex } from '../../src/shared/view/trace-index';
import { header, Records, seedTrace } from './helpers';
import { axisNumber, axisSeconds, fmtMoment, fmtScaledDuration } from '../../src/shared/view/charts/labels';

function indexOf(records: Records, h = header()): TraceIndex {
  const index = new TraceIndex();
  index.header = h;
  index.ingest(records.list);
  return index;
}

describe('swimlanes', () => {
  it('one lane per uid, one dataset per state, open segment ends at the trace end', () => {
    const data = buildSwimlanes(indexOf(seedTrace()), 'current');
    expect(data.lanes).toEqual(['uid 1', 'uid 2']);
    expect(data.datasets.map((d) => d.state)).toEqual(['CONNECTING', 'CONNECTED', 'RECONNECTING']);
    const reconnecting = data.datasets.find((d) => d.state === 'RECONNECTING')!.data;
    expect(reconnecting).toEqual([expect.objectContaining({ x: [9500, 30_500], y: 'uid 1', open: false })]);
    const uid2 = data.segments.find((s) => s.uid === 2)!.bars;
    expect(uid2[uid2.length - 1]).toMatchObject({ state: 'CONNECTED', x: [400, 31_000], open: true });
    expect(data.faults.map((f) => [f.startT, f.endT])).toEqual([[5000, 30_000]]);
    expect(data.summary).toContain('uid 1: 4 state changes, now CONNECTED, 1 interruption');
  });

  it('tooltips carry reason and cause; legacy names RECONNECTING as CONNECTING', () => {
    const index = indexOf(
      new Records()
        .state(0, 1, 'DISCONNECTED', 'CONNECTING')
        .state(10, 1, 'CONNECTING', 'CONNECTED')
        .state(20, 1, 'CONNECTED', 'RECONNECTING', { cause: 'socket closed' })
        .state(90, 1, 'RECONNECTING', 'DISCONNECTED', { reason: 'TOKEN_EXPIRE', cause: 'rejoin refused' }),
    );
    const legacy = buildSwimlanes(index, 'legacy');
    const bar = legacy.segments[0]!.bars[2]!;
    expect(swimlaneTooltip(bar, 'current')).toEqual(['uid 1 RECONNECTING for 70 ms', 'cause: socket closed']);
    expect(swimlaneTooltip(bar, 'legacy')[0]).toBe('uid 1 CONNECTING (2) for 70 ms');
    // A trace recorded at time scale 0.1 reads in the scenario's time, with the real time beside.
    expect(swimlaneTooltip(bar, 'current', 0.1)[0]).toBe('uid 1 RECONNECTING for 700 ms (70 ms real)');
    expect(swimlaneTooltip(legacy.segments[0]!.bars[3]!, 'current')).toEqual([
      'uid 1 DISCONNECTED for 0 ms (still)',
      'reason: TOKEN_EXPIRE',
      'cause: rejoin refused',
    ]);
    expect(legacy.datasets.find((d) => d.state === 'RECONNECTING')!.label).toBe('CONNECTING (2)');
  });
});

describe('reconnect attempts', () => {
  it('a waiting bar per delay and an attempt bar per outcome, with table rows', () => {
    const data = buildReconnects(indexOf(seedTrace()));
    expect(data.lanes).toEqual(['uid 1']);
    expect(data.waiting.map((b) => b.x)).toEqual([
      [9500, 9600],
      [11_100, 30_200],
    ]);
    expect(data.attempts.map((a) => [a.outcome, a.data.map((b) => b.x)])).toEqual([
      ['success', [[30_200, 30_500]]],
      ['failure', [[9600, 11_100]]],
    ]);
    expect(data.rows).toEqual([
      expect.objectContaining({ attempt: 1, startT: 9600, delayMs: 0, durationMs: 1500, outcome: 'failure' }),
      expect.objectContaining({
        attempt: 2,
        startT: 30_200,
        delayMs: 1000,
        durationMs: 300,
        outcome: 'success',
      }),
    ]);
    expect(data.summary).toBe('uid 1: 2 attempts (1 succeeded, 1 failed, longest wait 1.00 s).');
  });
});

describe('peer events', () => {
  it('markers per observer and the 10 s / 20 s lines from each fault start', () => {
    const data = buildPeerEvents(indexOf(seedTrace()), 'current');
    expect(data.lanes).toEqual(['uid 2']);
    expect(data.byObserver[0]!.points.map((p) => p.event)).toEqual([
      'user-joined',
      'user-published',
      'user-unpublished',
      'user-left',
      'user-joined',
      'user-published',
    ]);
    expect(data.thresholds.map((t) => [t.rule, t.t])).toEqual([
      ['media', 15_000],
      ['heartbeat', 25_000],
    ]);
    expect(data.thresholds[0]!.label).toBe('f1 +10 s: unpublished due');
  });

  it('scales the thresholds by the trace timeScale and the config', () => {
    const h = header({ timeScale: 0.1, config: { mediaTimeoutMs: 8000, heartbeatTimeoutMs: 16_000 } });
    expect(thresholdDelays(h)).toEqual({ mediaMs: 800, heartbeatMs: 1600 });
    expect(thresholdDelays(header({ config: {} }))).toEqual({ mediaMs: 10_000, heartbeatMs: 20_000 });
    const data = buildPeerEvents(indexOf(new Records().fault(500, 'f1', 'start'), h), 'current');
    expect(data.thresholds.map((t) => [t.t, t.label])).toEqual([
      [1300, 'f1 +8 s: unpublished due'],
      [2100, 'f1 +16 s: left due'],
    ]);
  });

  it('legacy names the events peer-online / stream-added / stream-removed / peer-leave', () => {
    const data = buildPeerEvents(indexOf(seedTrace()), 'legacy');
    expect(data.datasets.map((d) => d.label)).toEqual([
      'peer-online',
      'stream-added',
      'stream-removed',
      'peer-leave',
    ]);
    expect(data.summary).toBe('uid 2 saw 2 peer-online, 2 stream-added, 1 stream-removed, 1 peer-leave.');
  });
});

describe('link statistics', () => {
  function statsTrace(n: number): TraceIndex {
    const r = new Records();
    for (let i = 0; i < n; i++) r.stats(i * 100, 1, i === 500 ? 999 : 20, 0).stats(i * 100 + 1, 2, null);
    return indexOf(r);
  }

  it('decimates long series but keeps spikes', () => {
    const data = buildLinkStats(statsTrace(5000), 'rttMs', { maxPoints: 300 });
    const uid1 = data.datasets[0]!;
    expect(uid1.data.length).toBeLessThanOrEqual(310);
    expect(uid1.data.some((p) => p.y === 999)).toBe(true);
    expect(data.datasets[1]!.data.every((p) => p.y === null)).toBe(true);
    expect(data.samples).toBe(10_000);
  });

  it('limits to the visible range plus one point each side', () => {
    const data = buildLinkStats(statsTrace(100), 'rttMs', { range: { min: 1000, max: 2000 } });
    const xs = data.datasets[0]!.data.map((p) => p.x);
    expect(xs[0]).toBe(900);
    expect(xs[xs.length - 1]).toBe(2000);
    expect(data.summary).toContain('uid 1 latest 20.0 ms');
  });

  it('decimateMinMax returns every index when short, sorted unique indexes when long', () => {
    expect(decimateMinMax(2, 5, () => 1, 10)).toEqual([2, 3, 4]);
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i / 10));
    const picked = decimateMinMax(0, 1000, (i) => values[i]!, 60);
    expect(picked.length).toBeLessThanOrEqual(61);
    expect(new Set(picked).size).toBe(picked.length);
    expect([...picked].sort((a, b) => a - b)).toEqual(picked);
    expect(picked[picked.length - 1]).toBe(999);
  });
});

describe('annotations', () => {
  it('shades faults (open ones to the trace end), marks the selection and the thresholds', () => {
    const index = indexOf(
      new Records()
        .fault(100, 'f1', 'start')
        .fault(300, 'f1', 'end')
        .fault(400, 'f2', 'start', null, 'server-stop'),
    );
    const a = buildAnnotations({
      faults: index.faults,
      endT: 900,
      selectedT: 250,
      thresholds: [{ faultId: 'f1', rule: 'media', t: 10_100, label: 'x' }],
      theme: CHART_THEMES.dark,
    });
    expect(a['fault-f1']).toMatchObject({ kind: 'band', xMin: 100, xMax: 300 });
    expect(a['fault-f2']).toMatchObject({
      xMin: 400,
      xMax: 900,
      label: expect.objectContaining({ text: 'server-stop (server)', at: 'top' }),
    });
    expect(a['selected']).toMatchObject({ kind: 'line', x: 250 });
    expect(a['threshold-f1-media']).toMatchObject({ kind: 'line', x: 10_100, dash: [6, 4] });
  });
});

describe('the time axis of a scaled trace', () => {
  it('reads in scenario time, with the real time in tooltips', () => {
    expect(axisSeconds(420, 0.1)).toBe('4.2 s');
    expect([0, 7, 2500, 1234567.891, 0.25, 0.333, -1500, Number.NaN].map(axisNumber)).toEqual([
      '0',
      '7',
      '2,500',
      '1,234,567.89',
      '0.25',
      '0.33',
      '-1,500',
      '',
    ]);
    expect(axisSeconds(405, 1)).toBe('0.4 s');
    expect(fmtMoment(405, 0.1)).toBe('at 4.050 s (0.405 s real)');
    expect(fmtMoment(405, 1)).toBe('at 0.405 s');
    expect(fmtScaledDuration(405, 0.1)).toBe('4.05 s (405 ms real)');
    expect(fmtScaledDuration(405, 1)).toBe('405 ms');
  });
});
