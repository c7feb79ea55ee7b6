/**
 * The Chart.js options every time chart shares, as a pure function of what the chart shows:
 * the x axis in ms since the trace started (ticks and title in the scenario's time when the run
 * was recorded at a time scale other than 1, the real moment in every tooltip's footer), zoom
 * and pan limited to the trace. A chart's own options are merged under these; its own tooltip
 * callbacks win over the shared footer. (Fault windows and the like are not options: see
 * `overlays.ts`.)
 */
import type { Chart, ChartEvent, ChartOptions } from 'chart.js';
import type { ChartTheme } from '../../../shared/view/charts/annotations';
import { axisSeconds, fmtMoment } from '../../../shared/view/charts/labels';

/** A usable time scale (1 for a missing or broken header). */
export function timeScaleOf(value: number | undefined): number {
  return value !== undefined && value > 0 ? value : 1;
}

/** The trace time of a chart point: its `x`, or the start of a bar's `[from, to]`. */
export function timeOfPoint(raw: unknown): number | null {
  const x = (raw as { x?: unknown } | null | undefined)?.x;
  if (typeof x === 'number') return x;
  if (Array.isArray(x) && typeof x[0] === 'number') return x[0];
  return null;
}

/** The x range to show: the shared range, or the whole trace. */
export function xRange(
  range: { min: number; max: number } | null,
  lastT: number,
): { min: number; max: number } {
  return range ?? { min: 0, max: Math.max(lastT, 1000) };
}

/** The x axis title: plain trace time, or scenario time naming the scale it was recorded at. */
export function timeAxisTitle(scale: number): string {
  return scale === 1
    ? 'time since trace start'
    : `scenario time since trace start (recorded at time scale ${scale})`;
}

/** What {@link timeChartOptions} needs to know about the chart and the trace. */
export interface TimeAxisInput {
  /** The chart's own options (y axis, tooltip label callbacks, interaction). */
  own: ChartOptions;
  theme: ChartTheme;
  /** The shared zoom range, or null for the whole trace. */
  range: { min: number; max: number } | null;
  /** The trace's last record time (ms). */
  lastT: number;
  /** The trace's time scale (see {@link timeScaleOf}). */
  scale: number;
  /** Bars on a category y axis (`indexAxis: 'y'`). */
  horizontal: boolean;
  onClick: (event: ChartEvent) => void;
  /** Called with the chart after the user zoomed or panned it. */
  onRangeChange: (chart: Chart) => void;
}

/** See the file comment. */
export function timeChartOptions(input: TimeAxisInput): ChartOptions {
  const { theme, scale } = input;
  const own = input.own as ChartOptions & { scales?: Record<string, object> };
  const range = xRange(input.range, input.lastT);
  const ownTooltip = own.plugins?.tooltip as { callbacks?: Record<string, unknown> } | undefined;
  const limitMax = Math.max(input.lastT, range.max, 1000);
  return {
    ...own,
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    ...(input.horizontal ? { indexAxis: 'y' as const } : {}),
    onClick: input.onClick,
    scales: {
      ...own.scales,
      x: {
        type: 'linear',
        min: range.min,
        max: range.max,
        grid: { color: theme.grid },
        ticks: { color: theme.text, callback: (v) => axisSeconds(Number(v), scale) },
        title: { display: true, text: timeAxisTitle(scale), color: theme.text },
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
      zoom: {
        limits: { x: { min: 0, max: limitMax, minRange: 50 } },
        pan: { enabled: true, mode: 'x', onPanComplete: ({ chart }) => input.onRangeChange(chart) },
        zoom: {
          wheel: { enabled: true },
          pinch: { enabled: true },
          mode: 'x',
          onZoomComplete: ({ chart }) => input.onRangeChange(chart),
        },
      },
    },
  } as ChartOptions;
}

/** A y axis of named lanes (one category per uid or peer connection), in the theme's colours. */
export function laneAxis(theme: ChartTheme): object {
  return { type: 'category', ticks: { color: theme.text }, grid: { color: theme.grid } };
}
