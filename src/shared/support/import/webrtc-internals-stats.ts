/**
 * The stats of one webrtc-internals peer connection: series arrive one at a time
 * (`"<reportId>-<field>": {statsType, startTime, endTime, values: "[…]"}`), each decoded as it
 * comes, and when the PC ends its samples are merged by time into snapshots. Sample times come
 * from the `<reportId>-timestamp` series when present, else are spread evenly from `startTime` to
 * `endTime`; remote-inbound/outbound reports (whose timestamp is the RTCP report's) take the local
 * sampling times, newest last. Samples of all reports within {@link BUCKET_MS} are one snapshot.
 */
import { SnapshotTracker, parseTime } from './build';
import type { ImportBuilder } from './build';
import { FIGURE_FIELDS } from './stats';
import type { StatsSnapshot } from './stats';

/** Samples closer than this (ms) belong to the same snapshot (Chrome samples every ~1 s). */
export const BUCKET_MS = 500;

interface Series {
  times: number[];
  /** The values of the fields kept, by field. */
  fields: Map<string, unknown[]>;
  /** The number of values of every field, kept or not, in the order they came. */
  lengths: Map<string, number>;
  type: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function decodeValues(raw: unknown): unknown[] | null {
  if (Array.isArray(raw)) return raw;
  if (typeof raw !== 'string') return null;
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/** Reports whose `timestamp` is the far end's (when its RTCP report arrived), not the sample's. */
const REMOTE_TYPES = new Set(['remote-inbound-rtp', 'remote-outbound-rtp']);

/**
 * The PC's sampling times: the longest all-numeric `timestamp` series of a local report (each
 * getStats appends one value to every report present then, so the newest values line up).
 */
function samplingClock(byReport: Map<string, Series>): number[] | null {
  let best: number[] | null = null;
  for (const s of byReport.values()) {
    if (REMOTE_TYPES.has(s.type)) continue;
    const stamps = s.fields.get('timestamp');
    if (!stamps || !stamps.every((v) => typeof v === 'number')) continue;
    if (!best || stamps.length > best.length) best = stamps as number[];
  }
  return best;
}

/**
 * Calls `visit` for every sample of every series in time order; samples at the same time keep
 * series order, then sample order (a stable sort of all samples by time, done as a k-way merge of
 * the series so no list of all samples is ever made).
 */
function forEachSampleInTimeOrder(series: Series[], visit: (s: Series, i: number, at: number) => void): void {
  // Each series' samples in time order: itself when already sorted (the usual case), else a stable sort.
  const orders = series.map((s) => {
    const t = s.times;
    for (let i = 1; i < t.length; i++)
      if (t[i]! < t[i - 1]!) return Array.from(t.keys()).sort((a, b) => t[a]! - t[b]! || a - b);
    return null;
  });
  const pos = new Array<number>(series.length).fill(0);
  const at = (k: number): number => {
    const o = orders[k];
    return series[k]!.times[o ? o[pos[k]!]! : pos[k]!]!;
  };
  // A binary min-heap of series indices, keyed by (time of the next sample, series index).
  const before = (a: number, b: number): boolean => {
    const ta = at(a);
    const tb = at(b);
    return ta < tb || (ta === tb && a < b) || (Number.isNaN(tb) && !Number.isNaN(ta));
  };
  const heap: number[] = [];
  const up = (j: number): void => {
    while (j > 0) {
      const p = (j - 1) >> 1;
      if (!before(heap[j]!, heap[p]!)) break;
      [heap[j], heap[p]] = [heap[p]!, heap[j]!];
      j = p;
    }
  };
  const down = (j: number): void => {
    for (;;) {
      const l = 2 * j + 1;
      const r = l + 1;
      let m = j;
      if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
      if (m === j) return;
      [heap[j], heap[m]] = [heap[m]!, heap[j]!];
      j = m;
    }
  };
  series.forEach((s, k) => {
    if (s.times.length > 0) {
      heap.push(k);
      up(heap.length - 1);
    }
  });
  while (heap.length > 0) {
    const k = heap[0]!;
    const s = series[k]!;
    const o = orders[k];
    const i = o ? o[pos[k]!]! : pos[k]!;
    visit(s, i, s.times[i]!);
    if (++pos[k]! < s.times.length) down(0);
    else {
      heap[0] = heap[heap.length - 1]!;
      heap.pop();
      if (heap.length > 0) down(0);
    }
  }
}

/** See the file comment: {@link add} each series, then {@link finish} once the PC's stats end. */
export class PcStatsCollector {
  private readonly byReport = new Map<string, Series>();
  private readonly ranges = new Map<string, { start: number; end: number; n: number }>();

  constructor(
    private readonly builder: ImportBuilder,
    private readonly uid: number,
    /** The builder group of the PC's stats records. */
    private readonly group: number,
    /** `figures`: keep only the fields the figures read ({@link FIGURE_FIELDS}) and `timestamp`. */
    private readonly keep: 'all' | 'figures' = 'all',
  ) {}

  /** One member of the PC's `stats` object. */
  add(key: string, entry: unknown): void {
    const dash = key.lastIndexOf('-');
    if (dash <= 0 || !isObject(entry)) return;
    const id = key.slice(0, dash);
    const field = key.slice(dash + 1);
    const values = decodeValues(entry.values);
    if (!values) {
      this.builder.warn(
        `Some stats series could not be read (e.g. "${key.slice(0, 80)}"); they were skipped.`,
      );
      return;
    }
    let s = this.byReport.get(id);
    if (!s) {
      const type = typeof entry.statsType === 'string' ? entry.statsType : '';
      s = { times: [], fields: new Map(), lengths: new Map(), type };
      this.byReport.set(id, s);
    }
    s.lengths.set(field, values.length);
    if (this.keep === 'all' || field === 'timestamp' || FIGURE_FIELDS.has(field)) s.fields.set(field, values);
    const start = parseTime(entry.startTime);
    const end = parseTime(entry.endTime);
    if (start !== null && end !== null && !this.ranges.has(id))
      this.ranges.set(id, { start, end, n: values.length });
  }

  /** Times every report's samples and turns them into snapshots, then records. */
  finish(): void {
    const byReport = this.byReport;
    const clock = samplingClock(byReport);
    for (const [id, s] of byReport) {
      const stamps = s.fields.get('timestamp');
      const n = s.lengths.values().next().value ?? 0;
      if (REMOTE_TYPES.has(s.type) && clock && n <= clock.length) {
        // A remote report's own timestamp is when its RTCP arrived; it was sampled with the rest.
        s.times = clock.slice(clock.length - n);
        continue;
      }
      if (stamps && stamps.every((v) => typeof v === 'number')) {
        s.times = stamps as number[];
        continue;
      }
      const range = this.ranges.get(id);
      if (!range) {
        byReport.delete(id);
        this.builder.warn('Some stats series have no times; they were skipped.');
        continue;
      }
      const step = range.n > 1 ? (range.end - range.start) / (range.n - 1) : 0;
      s.times = Array.from({ length: range.n }, (_, i) => range.start + i * step);
    }
    this.snapshots([...byReport]);
    byReport.clear();
  }

  private snapshots(series: Array<[string, Series]>): void {
    const ids = new Map(series.map(([id, s]) => [s, id]));
    const fields = new Map(series.map(([, s]) => [s, [...s.fields]]));
    const tracker = new SnapshotTracker(this.builder, this.uid, this.group);
    // Reports are never changed once a snapshot holds them: the first sample of a report in a
    // bucket copies it, later ones in the same bucket write to that copy.
    const current: StatsSnapshot = new Map();
    const copied = new Set<string>();
    let bucketStart: number | null = null;
    let bucketAt = 0;
    const flush = (): void => {
      if (bucketStart !== null) tracker.push(bucketAt, new Map(current));
      copied.clear();
    };
    forEachSampleInTimeOrder(
      series.map(([, s]) => s),
      (s, i, at) => {
        if (bucketStart === null || at - bucketStart > BUCKET_MS) {
          flush();
          bucketStart = at;
        }
        bucketAt = at;
        const id = ids.get(s)!;
        let report = current.get(id);
        if (!report || !copied.has(id)) {
          report = { ...report };
          current.set(id, report);
          copied.add(id);
        }
        report.type = s.type;
        report.id = id;
        for (const [field, values] of fields.get(s)!) if (i < values.length) report[field] = values[i];
      },
    );
    flush();
  }
}
