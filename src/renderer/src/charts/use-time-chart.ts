/**
 * One Chart.js chart on the shared time axis (ms since the trace started; labelled in the
 * scenario's time, so a run at time scale 0.1 reads as the findings do, with the real time in
 * every tooltip), with the diagnosed incidents as bands behind the data: builds it on mount, redraws with `update('none')` when its data, annotations, theme or the shared range
 * change, writes zoom and pan back to the ui store (so every chart follows), selects a record
 * when a point is clicked, and destroys the chart on unmount.
 */
import type { ChartConfiguration, ChartData, ChartEvent, ChartOptions } from 'chart.js';
import { onBeforeUnmount, onMounted, watch, type Ref } from 'vue';
import { useTraceStore } from '../stores/trace';
import { useUiStore } from '../stores/ui';
import {
  CHART_THEMES,
  incidentBands,
  type Annotation,
  type ChartTheme,
} from '../../../shared/view/charts/annotations';
import { useScenarioStore } from '../stores/scenario';
import { axisSeconds, fmtMoment } from '../../../shared/view/charts/labels';
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

/** A usable time scale (1 for a missing or broken header). */
function timeScaleOf(value: number | undefined): number {
  return value !== undefined && value > 0 ? value : 1;
}

/** The trace time of a chart point: its `x`, or the start of a bar's `[from, to]`. */
function timeOfPoint(raw: unknown): number | null {
  const x = (raw as { x?: unknown } | null | undefined)?.x;
  if (typeof x === 'number') return x;
  if (Array.isArray(x) && typeof x[0] === 'number') return x[0];
  return null;
}

/** The x range to show: the shared range, or the whole trace. */
function xRange(range: { min: number; max: number } | null, lastT: number): { min: number; max: number } {
  return range ?? { min: 0, max: Math.max(lastT, 1000) };
}

/** See the file comment. Returns a function that redraws now. */
export function useTimeChart(spec: TimeChartSpec): { redraw: () => void; chart: () => Chart | null } {
  const ui = useUiStore();
  const trace = useTraceStore();
  const scenarios = useScenarioStore();
  let chart: Chart | null = null;

  /** The diagnosed incidents of the trace on screen, in trace ms (diagnoses are in model ms). */
  function bands(theme: ChartTheme): Record<string, Annotation> {
    const diagnosis = scenarios.diagnosis;
    if (!diagnosis || diagnosis.source.startedAt !== trace.index.header?.startedAt) return {};
    const scale = diagnosis.source.timeScale;
    const incidents = diagnosis.incidents.map((i) => ({
      id: i.id,
      kind: i.kind,
      startT: i.start * scale,
      endT: i.end === null ? null : i.end * scale,
    }));
    return incidentBands(incidents, trace.lastT, theme, ui.activeIncident);
  }

  function shared(theme: ChartTheme): ChartOptions {
    const own = spec.options(theme) as ChartOptions & { scales?: Record<string, object> };
    const range = xRange(ui.timeRange, trace.lastT);
    const scale = timeScaleOf(trace.index.header?.timeScale);
    const ownTooltip = own.plugins?.tooltip as { callbacks?: Record<string, unknown> } | undefined;
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
          ticks: { color: theme.text, callback: (v) => axisSeconds(Number(v), scale) },
          title: {
            display: true,
            text:
              scale === 1
                ? 'time since trace start'
                : `scenario time since trace start (recorded at time scale ${scale})`,
            color: theme.text,
          },
        },
      },
      plugins: {
        ...own.plugins,
        legend: { labels: { color: theme.text }, ...own.plugins?.legend },
        tooltip: {
          ...ownTooltip,
          callbacks: {
            footer: (items: Array<{ raw: unknown }>) => {
              const t = timeOfPoint(items[0]?.raw);
              return t === null ? '' : fmtMoment(t, scale);
            },
            ...ownTooltip?.callbacks,
          },
        },
        annotation: { annotations: { ...bands(theme), ...spec.annotations(theme) } },
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
    () => [
      trace.version,
      ui.theme,
      ui.timeRange,
      ui.selectedT,
      ui.vocabulary,
      scenarios.diagnosis,
      ui.activeIncident,
      spec.deps?.(),
    ],
    () => redraw(),
  );

  onBeforeUnmount(() => {
    chart?.destroy();
    chart = null;
  });

  return { redraw, chart: () => chart };
}
