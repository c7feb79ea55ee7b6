/**
 * Support figures: exporting a big trace as a bundle (redaction on and off) and opening that
 * bundle again, next to the floor — just gunzipping the bundle's trace member and JSON.parse-ing
 * its lines in the same run. Time, peak RSS and heap (sampled), bundle size and compression.
 * Run alone: `node --import tsx bench/support-bench.ts [N]`.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { writeBundle } from '../src/main/support/bundle';
import { openSupportFile } from '../src/main/support/open';
import { serializeTrace } from '../src/shared/trace/serialize';
import { generateTrace } from './renderer/records';
import { fmt, printTable } from './stats';

/** One measured operation. */
export interface SupportFigure {
  op: string;
  ms: number;
  /** Peak RSS and heap seen while it ran (MiB), sampled every 10 ms and at its ends. */
  peakRssMiB: number;
  peakHeapMiB: number;
  /** Heap growth at the peak over the start (MiB). */
  heapGrowthMiB: number;
  /** The bundle's size, for exports. */
  bytes: number | null;
}

/** All figures of one run. */
export interface SupportFigures {
  records: number;
  plainBytes: number;
  figures: SupportFigure[];
  /** import ÷ floor, by redaction setting of the bundle opened. */
  ratios: Array<{ op: string; ratio: number }>;
}

const MiB = 1024 * 1024;

/**
 * Runs `fn` while sampling memory. Synchronous stretches inside `fn` are not sampled (the timer
 * cannot fire), so the peak is a lower bound taken at await points and at both ends.
 */
async function measured<T>(
  op: string,
  fn: () => Promise<T> | T,
): Promise<{ value: T; figure: SupportFigure }> {
  globalThis.gc?.();
  const start = process.memoryUsage();
  let peakRss = start.rss;
  let peakHeap = start.heapUsed;
  const sample = (): void => {
    const m = process.memoryUsage();
    if (m.rss > peakRss) peakRss = m.rss;
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
  };
  const timer = setInterval(sample, 10);
  const t0 = performance.now();
  try {
    const value = await fn();
    const ms = performance.now() - t0;
    sample();
    return {
      value,
      figure: {
        op,
        ms,
        peakRssMiB: peakRss / MiB,
        peakHeapMiB: peakHeap / MiB,
        heapGrowthMiB: (peakHeap - start.heapUsed) / MiB,
        bytes: null,
      },
    };
  } finally {
    clearInterval(timer);
  }
}

/** Measures export, import and the gunzip + JSON.parse floor for an `n`-record trace. */
export async function measureSupport(n: number): Promise<SupportFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'faultline-bench-support-'));
  try {
    const { header, records } = generateTrace(n, { recordsPerSec: 200, uids: 3 });
    const plainBytes = Buffer.byteLength(serializeTrace(header, records));
    const figures: SupportFigure[] = [];
    const ratios: SupportFigures['ratios'] = [];
    for (const redact of [true, false]) {
      const label = redact ? 'redacted' : 'not redacted';
      const path = join(dir, `bundle-${redact ? 'r' : 'p'}.zip`);
      const exp = await measured(`export (${label})`, () =>
        writeBundle(path, { header, records, options: { redact }, environment: { bench: true } }),
      );
      exp.figure.bytes = (await stat(path)).size;
      figures.push(exp.figure);

      const imp = await measured(`import (${label})`, () => openSupportFile(path));
      if (imp.value.records.length !== n)
        throw new Error(`imported ${imp.value.records.length} of ${n} records`);
      if (imp.value.warnings.length > 0) throw new Error(`import warned: ${imp.value.warnings.join('; ')}`);
      figures.push(imp.figure);
      imp.value.records.length = 0;

      const gz = unzipSync(new Uint8Array(readFileSync(path)), {
        filter: (f) => f.name === 'trace.ndjson.gz',
      })['trace.ndjson.gz']!;
      const floor = await measured(`floor: gunzip + JSON.parse (${label})`, () => {
        const lines = gunzipSync(gz).toString('utf8').split('\n');
        let parsed = 0;
        for (const line of lines) {
          if (line.length === 0) continue;
          JSON.parse(line);
          parsed++;
        }
        if (parsed !== n + 1) throw new Error(`floor parsed ${parsed} lines, expected ${n + 1}`);
        return parsed;
      });
      figures.push(floor.figure);
      ratios.push({ op: `import ÷ floor (${label})`, ratio: imp.figure.ms / floor.figure.ms });
    }
    return { records: n, plainBytes, figures, ratios };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function print(result: SupportFigures): void {
  printTable(
    `Support bundle: ${result.records.toLocaleString('en')} records (plain ndjson ${fmt(result.plainBytes / MiB, 1)} MiB)`,
    [
      'operation',
      'ms',
      'records/s',
      'peak RSS MiB',
      'peak heap MiB',
      'heap +MiB',
      'bundle MiB',
      'compression',
    ],
    result.figures.map((f) => [
      f.op,
      fmt(f.ms, 0),
      fmt(result.records / (f.ms / 1000), 0),
      fmt(f.peakRssMiB, 0),
      fmt(f.peakHeapMiB, 0),
      fmt(f.heapGrowthMiB, 0),
      f.bytes === null ? '' : fmt(f.bytes / MiB, 2),
      f.bytes === null ? '' : `${fmt(result.plainBytes / f.bytes, 1)}×`,
    ]),
  );
  for (const r of result.ratios) console.log(`  ${r.op}: ${fmt(r.ratio, 2)}×`);
  console.log('  (peaks are sampled at await points and every 10 ms; synchronous stretches are not seen)');
}

/** Prints the support figures; `quick` uses 100 000 records instead of 1 000 000. */
export async function benchSupport({ quick = false }: { quick?: boolean } = {}): Promise<void> {
  print(await measureSupport(quick ? 100_000 : 1_000_000));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  print(await measureSupport(Number(process.argv[2] ?? 1_000_000)));
}
