/**
 * chartjs-plugin-annotation options every time chart shares: shaded fault windows, the
 * diagnosed incidents as bands, the selected moment, and (peer events) the threshold lines.
 * Plain objects, built per redraw.
 */
import type { FaultSpan } from '../trace-index';
import type { ThresholdLine } from './peer-events';

/** A plain annotation (the plugin's options, loosely typed to stay decoupled from its types). */
export type Annotation = Record<string, unknown>;

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
      type: 'box',
      xMin: f.startT,
      xMax: f.endT ?? Math.max(opts.endT, f.startT),
      backgroundColor: opts.theme.fault,
      borderColor: opts.theme.faultBorder,
      borderWidth: 1,
      drawTime: 'beforeDatasetsDraw',
      label: {
        display: true,
        content: `${f.kind}${f.target.uid !== null ? ` uid ${f.target.uid}` : ' (server)'}`,
        position: { x: 'start', y: 'start' },
        color: opts.theme.text,
        font: { size: 10 },
      },
    };
  }
  for (const line of opts.thresholds ?? []) {
    out[`threshold-${line.faultId}-${line.rule}`] = {
      type: 'line',
      xMin: line.t,
      xMax: line.t,
      borderColor: opts.theme.threshold,
      borderWidth: 1,
      borderDash: line.rule === 'media' ? [6, 4] : [2, 3],
      label: {
        display: true,
        content: line.label,
        position: line.rule === 'media' ? 'start' : 'end',
        color: opts.theme.text,
        backgroundColor: 'rgba(0,0,0,0)',
        font: { size: 10 },
      },
    };
  }
  if (opts.selectedT !== null) {
    out['selected'] = {
      type: 'line',
      xMin: opts.selectedT,
      xMax: opts.selectedT,
      borderColor: opts.theme.selection,
      borderWidth: 2,
    };
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
      type: 'box',
      xMin: i.startT,
      xMax,
      backgroundColor: theme.incident,
      borderColor: i.id === active ? theme.threshold : 'rgba(0,0,0,0)',
      borderWidth: i.id === active ? 2 : 0,
      drawTime: 'beforeDatasetsDraw',
      label: {
        display: true,
        content: `${i.id} ${i.kind}`,
        position: { x: 'start', y: 'end' },
        color: theme.text,
        font: { size: 9 },
      },
    };
  }
  return out;
}
