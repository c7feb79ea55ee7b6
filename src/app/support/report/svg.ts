/**
 * The report's charts as inline SVG, drawn in Node from the renderer's pure chart builders
 * (swimlanes with fault windows, peer events with the media/heartbeat threshold lines, link
 * stats). Element counts are capped so a very long trace still yields a page a browser opens.
 */
import type { Vocabulary } from '../../../shared/model/vocabulary';
import { buildLinkStats, METRIC_INFO, METRICS } from '../../../shared/view/charts/link-stats';
import { buildPeerEvents } from '../../../shared/view/charts/peer-events';
import { buildSwimlanes, type SwimlaneBar } from '../../../shared/view/charts/swimlanes';
import { fmtT, laneLabel, uidColor } from '../../../shared/view/charts/labels';
import type { FaultSpan, TraceIndex } from '../../../shared/view/trace-index';
import { color, esc, num } from './escape';

/** Chart width in SVG units. */
export const CHART_WIDTH = 960;
/** Most bars / markers one chart draws (beyond this, an even stride of them). */
export const MAX_MARKS = 4000;
const LEFT = 110;
const RIGHT = 20;
const LANE = 26;
const AXIS = 22;

/** Keeps at most `max` items, evenly spaced, always the last. */
export function stride<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const step = items.length / max;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(items[Math.floor(i * step)]!);
  out[out.length - 1] = items[items.length - 1]!;
  return out;
}

class Scale {
  constructor(private readonly endT: number) {}
  x(t: number): number {
    const span = this.endT > 0 ? this.endT : 1;
    const clamped = Math.min(Math.max(t, 0), span);
    return LEFT + (clamped / span) * (CHART_WIDTH - LEFT - RIGHT);
  }
}

function axis(scale: Scale, endT: number, y: number): string {
  const ticks: string[] = [];
  for (let i = 0; i <= 5; i++) {
    const t = (endT * i) / 5;
    const x = num(scale.x(t));
    ticks.push(
      `<line x1="${x}" y1="${num(y)}" x2="${x}" y2="${num(y + 4)}" stroke="#888"/>` +
        `<text x="${x}" y="${num(y + 16)}" font-size="10" text-anchor="middle" fill="#555">${esc(fmtT(t))}</text>`,
    );
  }
  return `<line x1="${LEFT}" y1="${num(y)}" x2="${CHART_WIDTH - RIGHT}" y2="${num(y)}" stroke="#888"/>${ticks.join('')}`;
}

function faultRects(scale: Scale, faults: readonly FaultSpan[], endT: number, height: number): string {
  return stride(faults, MAX_MARKS)
    .map((f) => {
      const x0 = scale.x(f.startT);
      const x1 = scale.x(f.endT ?? endT);
      return (
        `<rect class="fault" x="${num(x0)}" y="0" width="${num(Math.max(1, x1 - x0))}" height="${num(height)}" fill="#e5484d" fill-opacity="0.12">` +
        `<title>${esc(`fault ${f.id} (${f.kind}) ${fmtT(f.startT)} – ${f.endT === null ? 'no end' : fmtT(f.endT)}`)}</title></rect>`
      );
    })
    .join('');
}

function svg(label: string, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(label)}" viewBox="0 0 ${CHART_WIDTH} ${num(height)}" width="100%">${body}</svg>`;
}

/** Connection-state swimlanes, one lane per uid (and per imported PC), fault windows shaded behind. */
export function swimlanesSvg(index: TraceIndex, vocabulary: Vocabulary): string {
  const data = buildSwimlanes(index, vocabulary);
  const endT = data.endT;
  const scale = new Scale(endT);
  const height = Math.max(1, data.lanes.length) * LANE + AXIS + 6;
  const colours = new Map(data.datasets.map((d) => [`${d.kind}:${d.state}`, d]));
  const lanes = data.segments.map((seg, i) => {
    const y = i * LANE + 4;
    const bars = stride(seg.bars, Math.ceil(MAX_MARKS / Math.max(1, data.segments.length))).map(
      (b: SwimlaneBar) => {
        const ds = colours.get(`${b.kind}:${b.state}`)!;
        const x0 = scale.x(b.x[0]);
        const x1 = scale.x(b.x[1]);
        return `<rect x="${num(x0)}" y="${num(y)}" width="${num(Math.max(0.5, x1 - x0))}" height="${LANE - 8}" fill="${color(ds.color)}"><title>${esc(`${ds.label} from ${fmtT(b.x[0])}${b.reason ? ` (${b.reason})` : ''}`)}</title></rect>`;
      },
    );
    return `<text x="4" y="${num(y + 13)}" font-size="11">${esc(seg.label)}</text>${bars.join('')}`;
  });
  const legend = data.datasets.map(
    (d) => `<span class="key" style="background:${color(d.color)}"></span>${esc(d.label)}`,
  );
  return (
    `<p class="summary">${esc(data.summary)}</p><p class="legend">${legend.join(' ')}</p>` +
    svg(
      'connection states',
      height,
      faultRects(scale, data.faults, endT, height - AXIS) + lanes.join('') + axis(scale, endT, height - AXIS),
    )
  );
}

/** Peer-event markers per observer, with the media (10 s) and heartbeat (20 s) lines. */
export function peerEventsSvg(index: TraceIndex, vocabulary: Vocabulary): string {
  const data = buildPeerEvents(index, vocabulary);
  const endT = Math.max(index.lastT, ...data.thresholds.map((t) => t.t), 0);
  const scale = new Scale(endT);
  const height = Math.max(1, data.lanes.length) * LANE + AXIS + 6;
  const lines = stride(data.thresholds, MAX_MARKS).map((l) => {
    const x = num(scale.x(l.t));
    const dash = l.rule === 'media' ? '4 3' : '8 3';
    return `<line class="threshold ${l.rule}" x1="${x}" y1="0" x2="${x}" y2="${num(height - AXIS)}" stroke="${l.rule === 'media' ? '#f59e0b' : '#e5484d'}" stroke-dasharray="${dash}"><title>${esc(l.label)}</title></line>`;
  });
  const perLane = Math.ceil(MAX_MARKS / Math.max(1, data.byObserver.length));
  const colours = new Map(data.datasets.map((d) => [d.event, d]));
  const marks = data.byObserver.map(({ observer, points }, i) => {
    const y = i * LANE + LANE / 2;
    const dots = stride(points, perLane).map((p) => {
      const ds = colours.get(p.event)!;
      return `<circle cx="${num(scale.x(p.x))}" cy="${num(y)}" r="4" fill="${color(ds.color)}"><title>${esc(`${ds.label} of uid ${p.peer}${p.mediaType ? ` (${p.mediaType})` : ''} at ${fmtT(p.x)}`)}</title></circle>`;
    });
    return `<text x="4" y="${num(y + 4)}" font-size="11">${esc(laneLabel(observer))}</text>${dots.join('')}`;
  });
  const legend = data.datasets.map(
    (d) => `<span class="key" style="background:${color(d.color)}"></span>${esc(d.label)}`,
  );
  return (
    `<p class="summary">${esc(data.summary)}</p><p class="legend">${legend.join(' ')} <span class="key dashed"></span>media / heartbeat thresholds from each fault start</p>` +
    svg(
      'peer events',
      height,
      faultRects(scale, index.faults, endT, height - AXIS) +
        lines.join('') +
        marks.join('') +
        axis(scale, endT, height - AXIS),
    )
  );
}

/** One small line chart per link-stats metric, one line per uid (decimated, gaps kept). */
export function linkStatsSvg(index: TraceIndex): string {
  const endT = index.lastT;
  const scale = new Scale(endT);
  const h = 120;
  return METRICS.map((metric) => {
    const data = buildLinkStats(index, metric, { maxPoints: 600 });
    if (data.samples === 0) return '';
    let max = 0;
    for (const d of data.datasets)
      for (const p of d.data) if (p.y !== null && Number.isFinite(p.y)) max = Math.max(max, p.y);
    const top = max > 0 ? max : 1;
    const y = (v: number): number => 6 + (1 - Math.min(v, top) / top) * (h - AXIS - 12);
    const lines = data.datasets.map((d) => {
      const parts: string[] = [];
      let cur: string[] = [];
      for (const p of d.data) {
        if (p.y === null || !Number.isFinite(p.y)) {
          if (cur.length) parts.push(cur.join(' '));
          cur = [];
        } else cur.push(`${num(scale.x(p.x))},${num(y(p.y))}`);
      }
      if (cur.length) parts.push(cur.join(' '));
      return parts
        .map(
          (pts) =>
            `<polyline points="${pts}" fill="none" stroke="${color(uidColor(d.uid))}" stroke-width="1.5"/>`,
        )
        .join('');
    });
    const info = METRIC_INFO[metric];
    const body =
      faultRects(scale, index.faults, endT, h - AXIS) +
      `<text x="4" y="14" font-size="11">${esc(info.label)}</text><text x="4" y="28" font-size="10" fill="#555">max ${esc(num(top))} ${esc(info.unit)}</text>` +
      lines.join('') +
      axis(scale, endT, h - AXIS);
    return `<p class="summary">${esc(data.summary)}</p>${svg(info.label, h, body)}`;
  }).join('');
}
