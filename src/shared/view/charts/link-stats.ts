/**
 * Link statistics per uid (RTT, loss, jitter, send and receive kbps) from the bounded stats
 * series, limited to the visible range (plus one point each side so lines reach the edges)
 * and decimated to about `maxPoints` per line.
 */
import type { TraceIndex } from '../trace-index';
import { STAT_METRICS, type StatMetric } from '../series';
import { decimateMinMax } from './decimate';
import { laneLabel, uidColor } from './labels';

export { STAT_METRICS, type StatMetric } from '../series';

/** Axis titles and units per metric. */
export const METRIC_INFO: Record<StatMetric, { label: string; unit: string }> = {
  rttMs: { label: 'Round-trip time', unit: 'ms' },
  lossPct: { label: 'Packet loss', unit: '%' },
  jitterMs: { label: 'Jitter', unit: 'ms' },
  sendKbps: { label: 'Send rate', unit: 'kbps' },
  recvKbps: { label: 'Receive rate', unit: 'kbps' },
};

/** One drawn point (null y draws a gap). */
export interface StatPoint {
  x: number;
  y: number | null;
  seq: number;
}

/** What the link-stats chart draws. */
export interface LinkStatsData {
  metric: StatMetric;
  datasets: Array<{ uid: number; label: string; color: string; data: StatPoint[] }>;
  /** Samples held in the visible range, before decimation. */
  samples: number;
  summary: string;
}

/** Options of {@link buildLinkStats}. */
export interface LinkStatsOptions {
  range?: { min: number; max: number } | null;
  /** Points per line after decimation (≈ the chart's width in pixels). */
  maxPoints?: number;
}

/** Builds one metric's lines, one per uid. */
export function buildLinkStats(
  index: TraceIndex,
  metric: StatMetric,
  opts: LinkStatsOptions = {},
): LinkStatsData {
  const maxPoints = opts.maxPoints ?? 1000;
  let samples = 0;
  const stats: Array<{ uid: number; last: number; mean: number }> = [];
  const datasets = [...index.stats.keys()]
    .sort((a, b) => a - b)
    .map((uid) => {
      const s = index.stats.get(uid)!;
      let from = 0;
      let to = s.length;
      if (opts.range) {
        from = Math.max(0, s.lowerBound(opts.range.min) - 1);
        to = Math.min(s.length, s.lowerBound(opts.range.max) + 1);
      }
      samples += Math.max(0, to - from);
      const picked = decimateMinMax(from, to, (i) => s.valueAt(metric, i), maxPoints);
      const data = picked.map((i) => {
        const v = s.valueAt(metric, i);
        return { x: s.timeAt(i), y: Number.isNaN(v) ? null : v, seq: s.seqAt(i) };
      });
      let sum = 0;
      let n = 0;
      let last = NaN;
      for (let i = from; i < to; i++) {
        const v = s.valueAt(metric, i);
        if (!Number.isNaN(v)) {
          sum += v;
          n++;
          last = v;
        }
      }
      if (n) stats.push({ uid, last, mean: sum / n });
      return { uid, label: laneLabel(uid), color: uidColor(uid), data };
    });
  const info = METRIC_INFO[metric];
  const summary =
    stats.length === 0
      ? `No ${info.label.toLowerCase()} samples yet.`
      : `${info.label}: ` +
        stats
          .map((s) => `uid ${s.uid} latest ${round(s.last)} ${info.unit}, mean ${round(s.mean)} ${info.unit}`)
          .join('; ') +
        '.';
  return { metric, datasets, samples, summary };
}

function round(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
}

/** Every metric name, for the picker. */
export const METRICS: readonly StatMetric[] = STAT_METRICS;
