/**
 * Everything a dashboard chart shares, so each chart component keeps only what is its own
 * (its builder, its datasets, its y axis and tooltip): the template ref of its ChartFrame, its
 * built view of the trace (rebuilt when the trace changes), one Chart.js chart on the shared
 * time axis (see `time-axis.ts`: labelled in the scenario's time, the real time in every
 * tooltip), the fault windows and the selected moment as overlays, the diagnosed incidents as
 * bands behind the data (see `overlays.ts`). It builds the chart on mount, redraws with
 * `update('none')` when the data, overlays, theme or the shared range change (each chart in a
 * task of its own, see `redraw-queue.ts`), writes zoom and pan back to the ui store (so every
 * chart follows), selects a record when a point is clicked, and destroys the chart on unmount.
 */
import type { ChartConfiguration, ChartData, ChartEvent, ChartOptions } from 'chart.js';
import { computed, onBeforeUnmount, onMounted, ref, watch, type ComputedRef, type Ref } from 'vue';
import {
  buildAnnotations,
  CHART_THEMES,
  incidentBands,
  type Annotation,
  type ChartTheme,
} from '../../../shared/view/charts/annotations';
import type { Vocabulary } from '../../../shared/model/vocabulary';
import type { ThresholdLine } from '../../../shared/view/charts/peer-events';
import type { TraceIndex } from '../../../shared/view/trace-index';
import { useScenarioStore } from '../stores/scenario';
import { useTraceStore } from '../stores/trace';
import { useUiStore } from '../stores/ui';
import { setOverlays } from './overlays';
import { cancelRedraw, queueRedraw } from './redraw-queue';
import { Chart, registerChartParts } from './setup';
import { timeChartOptions, timeScaleOf } from './time-axis';

/** What a ChartFrame exposes to its chart: the canvas to draw on. */
export interface ChartFrameHandle {
  canvas: HTMLCanvasElement | null;
}

/** What a chart's options are computed from. */
export interface ChartContext<B> {
  /** The chart's built view of the trace. */
  built: B;
  theme: ChartTheme;
  /** The trace's time scale (1 unless the run was recorded scaled). */
  timeScale: number;
  /** The state names the user picked. */
  vocabulary: Vocabulary;
}

/** What a chart component hands the composable. */
export interface TimeChartSpec<B> {
  type: 'bar' | 'line' | 'scatter';
  /** Bars on a category y axis use `indexAxis: 'y'`. */
  horizontal?: boolean;
  /**
   * The chart's view of the trace (one of the pure builders of the shared chart views). Runs in a
   * computed: rebuilt when the trace changes, and when a reactive value it reads changes.
   */
  build: (index: TraceIndex, ui: ReturnType<typeof useUiStore>) => B;
  /** Chart.js data for the built view; called on every redraw. */
  data: (built: B) => ChartData;
  /** Chart-specific options (y axis, tooltip callbacks); the shared ones are merged over them. */
  options: (context: ChartContext<B>) => ChartOptions;
  /** Timeout lines to draw besides the fault windows. */
  thresholds?: (built: B) => readonly ThresholdLine[];
  /** Extra reactive sources that require a redraw (e.g. a metric picker). */
  deps?: () => unknown;
}

/** What the composable hands back to the component (and its template). */
export interface TimeChart<B> {
  /** Bind as `ref="frame"` on the component's ChartFrame. */
  frame: Ref<ChartFrameHandle | null>;
  /** The chart's built view of the trace, for its summary and accessible lists. */
  built: ComputedRef<B>;
  trace: ReturnType<typeof useTraceStore>;
  ui: ReturnType<typeof useUiStore>;
  /** Redraws now. */
  redraw: () => void;
  /** The Chart.js chart while mounted. */
  chart: () => Chart | null;
}

/** See the file comment. */
export function useTimeChart<B>(spec: TimeChartSpec<B>): TimeChart<B> {
  const ui = useUiStore();
  const trace = useTraceStore();
  const scenarios = useScenarioStore();
  const frame = ref<ChartFrameHandle | null>(null);
  const built = computed(() => (trace.version, spec.build(trace.index, ui)));
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

  /** Incident bands, fault windows, threshold lines and the selected moment. */
  function overlays(theme: ChartTheme): Record<string, Annotation> {
    const own = buildAnnotations({
      faults: trace.index.faults,
      endT: trace.lastT,
      selectedT: ui.selectedT,
      thresholds: spec.thresholds?.(built.value),
      theme,
    });
    return { ...bands(theme), ...own };
  }

  function options(theme: ChartTheme): ChartOptions {
    const timeScale = timeScaleOf(trace.index.header?.timeScale);
    return timeChartOptions({
      own: spec.options({ built: built.value, theme, timeScale, vocabulary: ui.vocabulary }),
      theme,
      range: ui.timeRange,
      lastT: trace.lastT,
      scale: timeScale,
      horizontal: spec.horizontal ?? false,
      onClick: pick,
      onRangeChange: share,
    });
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
    chart.data = spec.data(built.value);
    chart.options = options(theme);
    setOverlays(chart.canvas, overlays(theme));
    chart.update('none');
  }

  onMounted(() => {
    const canvas = frame.value?.canvas;
    if (!canvas) return;
    registerChartParts();
    const theme = CHART_THEMES[ui.theme];
    setOverlays(canvas, overlays(theme));
    const config = {
      type: spec.type,
      data: spec.data(built.value),
      options: options(theme),
    } as ChartConfiguration;
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
    () => queueRedraw(redraw),
  );

  onBeforeUnmount(() => {
    cancelRedraw(redraw);
    chart?.destroy();
    chart = null;
  });

  return { frame, built, trace, ui, redraw, chart: () => chart };
}
