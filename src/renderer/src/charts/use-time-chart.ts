/**
 * One Chart.js chart on the shared time axis (ms since the trace started): builds it on
 * mount, redraws with `update('none')` when its data, annotations, theme or the shared range
 * change, writes zoom and pan back to the ui store (so every chart follows), selects a record
 * when a point is clicked, and destroys the chart on unmount.
 */
import type { ChartConfiguration, ChartData, ChartEvent, ChartOptions } from 'chart.js';
import { onBeforeUnmount, onMounted, watch, type Ref } from 'vue';
import { useTraceStore } from '../stores/trace';
import { useUiStore } from '../stores/ui';
import { CHART_THEMES, type Annotation, type ChartTheme } from './annotations';
import { Chart, registerChartParts } from './setup';

/** What a chart component hands the composable. */
export interface TimeChartSpec {
  canvas: Ref<HTMLCanvasElement | null>;
  type: 'bar' | 'line' | 'scatter';
  /** Bars on a category y axis use `indexAxis: 'y'`. */
  horizontal?: boolean;
  /** Data for the current trace; called on every redraw. */
  data: () => ChartData;
  /** Chart-specific options (y axis, tooltip callbacks); merged over the shared ones. */
  options: (theme: ChartTheme) => ChartOptions;
  annotations: (theme: ChartTheme) => Record<string, Annotation>;
  /** Extra reactive sources that require a redraw (e.g. a metric picker). */
  deps?: () => unknown;
}

/** The x range to show: the shared range, or the whole trace. */
function xRange(range: { min: number; max: number } | null, lastT: number): { min: number; max: number } {
  return range ?? { min: 0, max: Math.max(lastT, 1000) };
}

/** See the file comment. Returns a function that redraws now. */
export function useTimeChart(spec: TimeChartSpec): { redraw: () => void; chart: () => Chart | null } {
  const ui = useUiStore();
  const trace = useTraceStore();
  let chart: Chart | null = null;

  function shared(theme: ChartTheme): ChartOptions {
    const own = spec.options(theme) as ChartOptions & { scales?: Record<string, object> };
    const range = xRange(ui.timeRange, trace.lastT);
    const limitMax = Math.max(trace.lastT, range.max, 1000);
    return {
      ...own,
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      ...(spec.horizontal ? { indexAxis: 'y' as const } : {}),
      onClick: (event: ChartEvent) => pick(event),
      scales: {
        ...own.scales,
        x: {
          type: 'linear',
          min: range.min,
          max: range.max,
          grid: { color: theme.grid },
          ticks: { color: theme.text, callback: (v) => `${(Number(v) / 1000).toFixed(1)} s` },
          title: { display: true, text: 'time since trace start', color: theme.text },
        },
      },
      plugins: {
        ...own.plugins,
        legend: { labels: { color: theme.text }, ...own.plugins?.legend },
        annotation: { annotations: spec.annotations(theme) },
        zoom: {
          limits: { x: { min: 0, max: limitMax, minRange: 50 } },
          pan: { enabled: true, mode: 'x', onPanComplete: ({ chart: c }) => share(c) },
          zoom: {
            wheel: { enabled: true },
            pinch: { enabled: true },
            mode: 'x',
            onZoomComplete: ({ chart: c }) => share(c),
          },
        },
      },
    } as ChartOptions;
  }

  function share(c: Chart): void {
    const x = c.scales['x'];
    if (x) ui.setTimeRange({ min: x.min, max: x.max });
  }

  function pick(event: ChartEvent): void {
    if (!chart || !event.native) return;
    const hits = chart.getElementsAtEventForMode(event.native, 'nearest', { intersect: true }, false);
    const hit = hits[0];
    if (!hit) return;
    const raw = chart.data.datasets[hit.datasetIndex]?.data[hit.index] as
      { seq?: number; x?: number | [number, number] } | undefined;
    if (raw?.seq === undefined) return;
    const t = Array.isArray(raw.x) ? raw.x[0] : (raw.x ?? null);
    ui.select(raw.seq, t);
  }

  function redraw(): void {
    if (!chart) return;
    const theme = CHART_THEMES[ui.theme];
    chart.data = spec.data();
    chart.options = shared(theme);
    chart.update('none');
  }

  onMounted(() => {
    const canvas = spec.canvas.value;
    if (!canvas) return;
    registerChartParts();
    const theme = CHART_THEMES[ui.theme];
    const config = { type: spec.type, data: spec.data(), options: shared(theme) } as ChartConfiguration;
    try {
      chart = new Chart(canvas, config);
    } catch (error) {
      console.error('chart could not be created', error);
      chart = null;
    }
  });

  watch(
    () => [trace.version, ui.theme, ui.timeRange, ui.selectedT, ui.vocabulary, spec.deps?.()],
    () => redraw(),
  );

  onBeforeUnmount(() => {
    chart?.destroy();
    chart = null;
  });

  return { redraw, chart: () => chart };
}
