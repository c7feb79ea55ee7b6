/**
 * The chart composable as the four chart components use it: each mounts one Chart.js chart on
 * its frame's canvas, on the shared time axis (scenario time for a scaled run), with the fault
 * windows (and the peer chart's timeout lines) as annotations, follows the shared range, selects
 * a record, and destroys its chart on unmount.
 */
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { Chart } from 'chart.js';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Component } from 'vue';
import LinkStatsChart from '../../src/renderer/src/components/LinkStatsChart.vue';
import PeerEventsChart from '../../src/renderer/src/components/PeerEventsChart.vue';
import ReconnectChart from '../../src/renderer/src/components/ReconnectChart.vue';
import SwimlaneChart from '../../src/renderer/src/components/SwimlaneChart.vue';
import { timeAxisTitle, timeChartOptions, timeOfPoint } from '../../src/renderer/src/charts/time-axis';
import { overlaysOn } from '../../src/renderer/src/charts/overlays';
import { chartsDrawn } from '../../src/renderer/src/charts/redraw-queue';
import { useTraceStore, useUiStore } from '../../src/renderer/src/stores';
import { CHART_THEMES } from '../../src/shared/view/charts/annotations';
import { header, seedTrace } from './helpers';

let pinia: Pinia;
beforeEach(() => {
  localStorage.clear();
  pinia = createPinia();
  setActivePinia(pinia);
});

const CHARTS: Array<[string, Component]> = [
  ['swimlanes', SwimlaneChart],
  ['reconnects', ReconnectChart],
  ['peer-events', PeerEventsChart],
  ['link-stats', LinkStatsChart],
];

/** The Chart.js chart drawn on a mounted component's canvas. */
function chartOf(w: VueWrapper): Chart {
  const canvas = w.get('canvas').element as HTMLCanvasElement;
  const chart = Chart.getChart(canvas);
  if (!chart) throw new Error('no chart on the canvas');
  return chart;
}

type XAxis = {
  min: number;
  max: number;
  title: { text: string };
  ticks: { callback: (v: number) => string };
};

function xAxisOf(chart: Chart): XAxis {
  return (chart.options.scales as unknown as { x: XAxis }).x;
}

function annotationKeys(chart: Chart): string[] {
  return Object.keys(overlaysOn(chart.canvas));
}

describe('the four charts share one time-chart composable', () => {
  it.each(CHARTS)('%s: a chart on its canvas, in scenario time, fault windows shaded', async (_, C) => {
    const records = seedTrace().stats(1000, 1, 12).stats(2000, 1, 14);
    useTraceStore().load(header({ timeScale: 0.1 }), records.list);
    const w = mount(C, { global: { plugins: [pinia] } });
    const chart = chartOf(w);
    const x = xAxisOf(chart);
    expect(x.title.text).toBe('scenario time since trace start (recorded at time scale 0.1)');
    // 31 s of trace time recorded at scale 0.1 read as 310 s of scenario time.
    expect(x.ticks.callback(31_000)).toBe('310.0 s');
    expect(annotationKeys(chart)).toContain('fault-f1');

    useUiStore().setTimeRange({ min: 5000, max: 9000 });
    await flushPromises();
    await chartsDrawn();
    expect([xAxisOf(chartOf(w)).min, xAxisOf(chartOf(w)).max]).toEqual([5000, 9000]);

    const canvas = w.get('canvas').element as HTMLCanvasElement;
    w.unmount();
    expect(Chart.getChart(canvas)).toBeUndefined();
  });

  it('the peer chart draws its timeout lines; the others draw none', () => {
    useTraceStore().load(header(), seedTrace().list);
    const keys = CHARTS.map(([name, C]) => {
      const w = mount(C, { global: { plugins: [pinia] } });
      const found = annotationKeys(chartOf(w)).filter((k) => k.startsWith('threshold-'));
      w.unmount();
      return [name, found.length];
    });
    expect(keys).toEqual([
      ['swimlanes', 0],
      ['reconnects', 0],
      ['peer-events', 2],
      ['link-stats', 0],
    ]);
  });

  it('a trace at scale 1 keeps the plain axis title; the metric picker redraws the stats chart', async () => {
    useTraceStore().load(header(), seedTrace().stats(1000, 1, 12).list);
    const w = mount(LinkStatsChart, { global: { plugins: [pinia] } });
    expect(xAxisOf(chartOf(w)).title.text).toBe('time since trace start');
    const yTitle = () =>
      (chartOf(w).options.scales as unknown as { y: { title: { text: string } } }).y.title.text;
    expect(yTitle()).toBe('Round-trip time (ms)');
    await w.get('[data-testid=stats-metric]').setValue('lossPct');
    await flushPromises();
    await chartsDrawn();
    expect(yTitle()).toBe('Packet loss (%)');
    w.unmount();
  });
});

describe('time-axis options', () => {
  const base = {
    own: {},
    theme: CHART_THEMES.dark,
    range: null,
    lastT: 400,
    scale: 1,
    horizontal: false,
    onClick: () => undefined,
    onRangeChange: () => undefined,
  };

  it('shows the whole trace (at least 1 s) without a shared range, and the range when there is one', () => {
    const whole = timeChartOptions(base).scales as unknown as { x: { min: number; max: number } };
    expect([whole.x.min, whole.x.max]).toEqual([0, 1000]);
    const zoomed = timeChartOptions({ ...base, range: { min: 10, max: 20 } }).scales as unknown as {
      x: { min: number; max: number };
    };
    expect([zoomed.x.min, zoomed.x.max]).toEqual([10, 20]);
  });

  it("a chart's own tooltip callbacks win; the shared footer names the moment in both times", () => {
    const own = { plugins: { tooltip: { callbacks: { label: () => 'mine' } } } };
    const options = timeChartOptions({ ...base, own, scale: 0.5 });
    const callbacks = (
      options.plugins as unknown as {
        tooltip: { callbacks: { label: () => string; footer: (items: Array<{ raw: unknown }>) => string } };
      }
    ).tooltip.callbacks;
    expect(callbacks.label()).toBe('mine');
    expect(callbacks.footer([{ raw: { x: [1000, 2000] } }])).toBe('at 2.000 s (1.000 s real)');
    expect(callbacks.footer([{ raw: null }])).toBe('');
    expect(options.indexAxis).toBeUndefined();
    expect(timeChartOptions({ ...base, horizontal: true }).indexAxis).toBe('y');
  });

  it('reads a point time from x or the start of a bar', () => {
    expect(timeOfPoint({ x: 5 })).toBe(5);
    expect(timeOfPoint({ x: [7, 9] })).toBe(7);
    expect(timeOfPoint({ x: 'no' })).toBeNull();
    expect(timeOfPoint(undefined)).toBeNull();
    expect(timeAxisTitle(1)).toBe('time since trace start');
  });
});
