/**
 * What every time chart draws over its data: shaded fault windows, the diagnosed incidents as
 * bands, the selected moment, and (peer events) the threshold lines. Plain data in trace ms,
 * built per redraw; the renderer's overlay plugin (`charts/overlays.ts`) draws them straight on
 * the canvas, so a redraw costs what is drawn and nothing per option lookup.
 */
import type { FaultSpan } from '../trace-index';
import type { ThresholdLine } from './peer-events';

/** Text drawn beside an overlay, at the top or the bottom of the plot area. */
export interface OverlayLabel {
  text: string;
  color: string;
  /** Font size in CSS px. */
  size: number;
  at: 'top' | 'bottom';
}

/** A shaded span of time across the whole plot height (a fault window, an incident). */
export interface BandOverlay {
  kind: 'band';
  xMin: number;
  xMax: number;
  fill: string;
  /** Outline colour; nothing is stroked when `strokeWidth` is 0. */
  stroke: string;
  strokeWidth: number;
  /** Drawn at the band's start. */
  label?: OverlayLabel;
}

/** A vertical line at one moment (a timeout due, the selection). */
export interface LineOverlay {
  kind: 'line';
  x: number;
  stroke: string;
  width: number;
  /** Canvas line dash (solid when absent). */
  dash?: readonly number[];
  /** Drawn just right of the line. */
  label?: OverlayLabel;
}

/** One thing drawn over a chart's data; bands go under the datasets, lines over them. */
export type Annotation = BandOverlay | LineOverlay;

/** Colours that differ between themes. */
export interface ChartTheme {
  /** The panel colour a saved PNG is drawn on (the canvas itself is transparent). */
  background: string;
  text: string;
  grid: string;
  fault: string;
  faultBorder: string;
  selection: string;
  threshold: string;
  incident: string;
}

/** Dark and light chart colours. */
export const CHART_THEMES: Record<'dark' | 'light', ChartTheme> = {
  dark: {
    background: '#1a1f27',
    text: '#d7dbe2',
    grid: 'rgba(255,255,255,0.08)',
    fault: 'rgba(229,72,77,0.16)',
    faultBorder: 'rgba(229,72,77,0.55)',
    selection: '#f0f0f0',
    threshold: '#f59e0b',
    incident: 'rgba(245,179,66,0.14)',
  },
  light: {
    background: '#ffffff',
    text: '#1f2430',
    grid: 'rgba(0,0,0,0.08)',
    fault: 'rgba(229,72,77,0.12)',
    faultBorder: 'rgba(200,40,45,0.6)',
    selection: '#111827',
    threshold: '#b45309',
    incident: 'rgba(180,83,9,0.12)',
  },
};

/** Builds the annotations of one chart. */
export function buildAnnotations(opts: {
  faults: readonly FaultSpan[];
  endT: number;
  selectedT: number | null;
  thresholds?: readonly ThresholdLine[];
  theme: ChartTheme;
}): Record<string, Annotation> {
  const out: Record<string, Annotation> = {};
  for (const f of opts.faults) {
    out[`fault-${f.id}`] = {
      kind: 'band',
      xMin: f.startT,
      xMax: f.endT ?? Math.max(opts.endT, f.startT),
      fill: opts.theme.fault,
      stroke: opts.theme.faultBorder,
      strokeWidth: 1,
      label: {
        text: `${f.kind}${f.target.uid !== null ? ` uid ${f.target.uid}` : ' (server)'}`,
        color: opts.theme.text,
        size: 10,
        at: 'top',
      },
    };
  }
  for (const line of opts.thresholds ?? []) {
    out[`threshold-${line.faultId}-${line.rule}`] = {
      kind: 'line',
      x: line.t,
      stroke: opts.theme.threshold,
      width: 1,
      dash: line.rule === 'media' ? [6, 4] : [2, 3],
      label: {
        text: line.label,
        color: opts.theme.text,
        size: 10,
        at: line.rule === 'media' ? 'top' : 'bottom',
      },
    };
  }
  if (opts.selectedT !== null) {
    out['selected'] = { kind: 'line', x: opts.selectedT, stroke: opts.theme.selection, width: 2 };
  }
  return out;
}

/** A diagnosed incident as a chart shows it: trace ms (`endT` null while still open). */
export interface IncidentBand {
  id: string;
  kind: string;
  startT: number;
  endT: number | null;
}

/** Most incident bands drawn on one chart (a day-long dump can hold thousands). */
export const MAX_INCIDENT_BANDS = 200;

/**
 * The incidents as faint bands under the data, labelled at the bottom with id and kind; the
 * `active` one (picked in the Diagnosis list) drawn stronger.
 */
export function incidentBands(
  incidents: readonly IncidentBand[],
  endT: number,
  theme: ChartTheme,
  active: string | null = null,
): Record<string, Annotation> {
  const out: Record<string, Annotation> = {};
  for (const i of incidents.slice(0, MAX_INCIDENT_BANDS)) {
    const xMax = Math.max(i.endT ?? endT, i.startT + 1);
    out[`incident-${i.id}`] = {
      kind: 'band',
      xMin: i.startT,
      xMax,
      fill: theme.incident,
      stroke: theme.threshold,
      strokeWidth: i.id === active ? 2 : 0,
      label: { text: `${i.id} ${i.kind}`, color: theme.text, size: 9, at: 'bottom' },
    };
  }
  return out;
}
