/**
 * Charts as PNG: "Save PNG" on each chart, and every chart currently rendered for a support
 * bundle's `charts/<name>.png`. A Chart.js canvas is transparent, so the image is drawn over
 * the theme's panel colour first (a dark chart's light text would vanish on a white viewer).
 */
import type { ChartImage } from '../../../shared/ipc';
import type { TraceHeader } from '../../../shared/trace/records';
import { CHART_THEMES } from '../../../shared/view/charts/annotations';
import { drawQueuedNow } from './redraw-queue';
import { Chart } from './setup';

const rendered = new Map<string, HTMLCanvasElement>();

/** Registers a rendered chart's canvas under `name`; returns its unregister. */
export function registerChartCanvas(name: string, canvas: HTMLCanvasElement): () => void {
  rendered.set(name, canvas);
  return () => {
    if (rendered.get(name) === canvas) rendered.delete(name);
  };
}

/** Names of the charts rendered now, in registration order. */
export function renderedChartNames(): string[] {
  return [...rendered.keys()];
}

/**
 * The chart on `canvas` as a PNG data URL over the theme's background: Chart.js's
 * `toBase64Image()` when a chart is attached, composed onto an opaque canvas of the same size.
 */
export function chartPngDataUrl(canvas: HTMLCanvasElement, theme: 'dark' | 'light'): string {
  drawQueuedNow();
  const chart = Chart.getChart(canvas);
  const out = document.createElement('canvas');
  out.width = Math.max(1, canvas.width);
  out.height = Math.max(1, canvas.height);
  const ctx = out.getContext('2d');
  if (!ctx) return chart ? chart.toBase64Image('image/png') : canvas.toDataURL('image/png');
  ctx.fillStyle = CHART_THEMES[theme].background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(chart?.canvas ?? canvas, 0, 0);
  return out.toDataURL('image/png');
}

/** `<trace-name>-<chart>.png`: the opened file's name without extensions, or `faultline-<start>`. */
export function chartFileName(
  source: { kind: 'live' } | { kind: 'file'; name: string },
  header: TraceHeader | null,
  chart: string,
): string {
  const base =
    source.kind === 'file'
      ? source.name.replace(/(\.ndjson)?(\.gz)?$|\.(zip|json|txt)$/i, '')
      : `faultline-${(header?.startedAt ?? new Date().toISOString()).replace(/[:.]/g, '-').replace(/Z$/, '')}`;
  const safe = base.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 120) || 'faultline';
  return `${safe}-${chart}.png`;
}

/** Saves one chart as a PNG download named {@link chartFileName}; returns the data URL. */
export function downloadChartPng(
  canvas: HTMLCanvasElement,
  theme: 'dark' | 'light',
  fileName: string,
): string {
  const url = chartPngDataUrl(canvas, theme);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  return url;
}

const PNG_PREFIX = /^data:image\/png;base64,(iVBORw0KGg[o-r][A-Za-z0-9+/=]*)$/;

/** Every rendered chart as a PNG for a bundle (at most `max`; empty or failed canvases left out). */
export function renderedChartImages(theme: 'dark' | 'light', max = 12): ChartImage[] {
  const images: ChartImage[] = [];
  for (const [name, canvas] of rendered) {
    if (images.length >= max) break;
    if (!canvas.isConnected || canvas.width === 0 || canvas.height === 0) continue;
    try {
      const match = PNG_PREFIX.exec(chartPngDataUrl(canvas, theme));
      if (match?.[1]) images.push({ name, pngBase64: match[1] });
    } catch {
      // A chart that cannot be drawn is left out of the bundle, not a reason to fail it.
    }
  }
  return images;
}
