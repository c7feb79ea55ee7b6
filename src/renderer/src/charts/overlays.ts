/**
 * Draws each time chart's overlays (`shared/view/charts/annotations.ts`: fault windows and
 * incident bands under the datasets, timeout lines and the selection over them) with one small
 * Chart.js plugin. The overlays are kept beside the chart, keyed by its canvas, not in its
 * options: Chart.js resolves every option through scoped lookups on each update, and a
 * 1,000,000-record trace carries a few hundred overlays per chart, which made the generic
 * annotation plugin the larger part of every zoom step. Here a redraw costs one clipped
 * `fillRect` or line per overlay in view, and labels that would overlap the previous one on the
 * same row are left out (see {@link LabelRow}).
 */
import type { Chart, Plugin } from 'chart.js';
import type {
  Annotation,
  BandOverlay,
  LineOverlay,
  OverlayLabel,
} from '../../../shared/view/charts/annotations';

/** The plot area in canvas CSS pixels (Chart.js `chartArea`). */
export interface PlotArea {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The 2D context calls the overlays use (a `CanvasRenderingContext2D` has them all). */
export type OverlayContext = Pick<
  CanvasRenderingContext2D,
  | 'save'
  | 'restore'
  | 'beginPath'
  | 'rect'
  | 'clip'
  | 'moveTo'
  | 'lineTo'
  | 'stroke'
  | 'fillRect'
  | 'strokeRect'
  | 'fillText'
  | 'measureText'
  | 'setLineDash'
  | 'fillStyle'
  | 'strokeStyle'
  | 'lineWidth'
  | 'font'
  | 'textBaseline'
>;

/** Where and how to draw: the plot area, trace ms → pixel, and the font family of labels. */
export interface OverlayFrame {
  area: PlotArea;
  toPixel: (t: number) => number;
  fontFamily: string;
}

interface Stored {
  byId: Readonly<Record<string, Annotation>>;
  bands: BandOverlay[];
  lines: LineOverlay[];
}

const stored = new WeakMap<HTMLCanvasElement, Stored>();

/** Gap kept between a label and its band edge or line, in px. */
const LABEL_PAD = 3;

/** Sets what the chart on `canvas` draws over its data from its next draw on. */
export function setOverlays(canvas: HTMLCanvasElement, overlays: Readonly<Record<string, Annotation>>): void {
  const bands: BandOverlay[] = [];
  const lines: LineOverlay[] = [];
  for (const o of Object.values(overlays)) {
    if (o.kind === 'band') bands.push(o);
    else lines.push(o);
  }
  stored.set(canvas, { byId: overlays, bands, lines });
}

/** The overlays the chart on `canvas` draws, by id (empty when none were set). */
export function overlaysOn(canvas: HTMLCanvasElement): Readonly<Record<string, Annotation>> {
  return stored.get(canvas)?.byId ?? {};
}

/**
 * Keeps labels of one row from being drawn over each other. Band labels take the first row at
 * the top and at the bottom of the plot, line labels the second, so the two never collide.
 */
class LabelRow {
  private end = -Infinity;

  constructor(private readonly row: 0 | 1) {}

  /** Draws `label` with its left edge at `x` unless the previous label reaches past it. */
  draw(ctx: OverlayContext, frame: OverlayFrame, label: OverlayLabel, x: number): void {
    if (x < this.end || x >= frame.area.right) return;
    ctx.font = `${label.size}px ${frame.fontFamily}`;
    ctx.fillStyle = label.color;
    ctx.textBaseline = label.at === 'top' ? 'top' : 'bottom';
    const inset = LABEL_PAD + this.row * (label.size + LABEL_PAD);
    const y = label.at === 'top' ? frame.area.top + inset : frame.area.bottom - inset;
    ctx.fillText(label.text, x, y);
    this.end = x + ctx.measureText(label.text).width + LABEL_PAD * 2;
  }
}

function clipTo(ctx: OverlayContext, area: PlotArea): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
  ctx.clip();
}

/** Shades each band that reaches into the plot area, outlines it, and labels it at its start. */
export function drawBands(ctx: OverlayContext, frame: OverlayFrame, bands: readonly BandOverlay[]): void {
  const { area } = frame;
  const visible = bands
    .map((band) => ({ band, x0: frame.toPixel(band.xMin), x1: frame.toPixel(band.xMax) }))
    .filter(({ x0, x1 }) => x1 >= area.left && x0 <= area.right && x1 >= x0)
    .sort((a, b) => a.x0 - b.x0);
  if (visible.length === 0) return;
  clipTo(ctx, area);
  const height = area.bottom - area.top;
  for (const { band, x0, x1 } of visible) {
    const left = Math.max(area.left, x0);
    const width = Math.max(1, Math.min(area.right, x1) - left);
    ctx.fillStyle = band.fill;
    ctx.fillRect(left, area.top, width, height);
    if (band.strokeWidth > 0) {
      ctx.strokeStyle = band.stroke;
      ctx.lineWidth = band.strokeWidth;
      ctx.setLineDash([]);
      ctx.strokeRect(left, area.top, width, height);
    }
  }
  const rows = { top: new LabelRow(0), bottom: new LabelRow(0) };
  for (const { band, x0 } of visible)
    if (band.label) rows[band.label.at].draw(ctx, frame, band.label, Math.max(area.left, x0) + LABEL_PAD);
  ctx.restore();
}

/** Draws each line inside the plot area from top to bottom, labelled just right of it. */
export function drawLines(ctx: OverlayContext, frame: OverlayFrame, lines: readonly LineOverlay[]): void {
  const { area } = frame;
  const visible = lines
    .map((line) => ({ line, x: frame.toPixel(line.x) }))
    .filter(({ x }) => x >= area.left && x <= area.right)
    .sort((a, b) => a.x - b.x);
  if (visible.length === 0) return;
  clipTo(ctx, area);
  const rows = { top: new LabelRow(1), bottom: new LabelRow(1) };
  for (const { line, x } of visible) {
    ctx.strokeStyle = line.stroke;
    ctx.lineWidth = line.width;
    ctx.setLineDash(line.dash ? [...line.dash] : []);
    ctx.beginPath();
    ctx.moveTo(x, area.top);
    ctx.lineTo(x, area.bottom);
    ctx.stroke();
    if (line.label) rows[line.label.at].draw(ctx, frame, line.label, x + LABEL_PAD);
  }
  ctx.setLineDash([]);
  ctx.restore();
}

function frameOf(chart: Chart): OverlayFrame | null {
  const x = chart.scales['x'];
  if (!x || !chart.chartArea) return null;
  const family = chart.options.font?.family;
  return {
    area: chart.chartArea,
    toPixel: (t) => x.getPixelForValue(t),
    fontFamily: typeof family === 'string' ? family : 'sans-serif',
  };
}

/** The Chart.js plugin that draws the overlays set with {@link setOverlays}. */
export const overlayPlugin: Plugin = {
  id: 'faultlineOverlays',
  beforeDatasetsDraw(chart) {
    const overlays = stored.get(chart.canvas);
    const frame = overlays?.bands.length ? frameOf(chart) : null;
    if (overlays && frame) drawBands(chart.ctx, frame, overlays.bands);
  },
  afterDatasetsDraw(chart) {
    const overlays = stored.get(chart.canvas);
    const frame = overlays?.lines.length ? frameOf(chart) : null;
    if (overlays && frame) drawLines(chart.ctx, frame, overlays.lines);
  },
};
