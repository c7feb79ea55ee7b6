/**
 * One support-bench operation in a process of its own, so its peak memory is its own: the
 * kernel's peak RSS (`process.resourceUsage().maxRSS`, which also sees synchronous stretches
 * such as in-memory compression) next to a 10 ms sampler. Prints one JSON line (a
 * {@link ChildFigure}) on stdout.
 *
 * `node --expose-gc --import tsx bench/support-child.ts OP N PATH`, OP one of
 * `export-redacted`, `export-plain` (writes the bundle to PATH), `gzip-floor` (gzip of the trace's
 * NDJSON in memory: the export's floor), `import`, `floor` (read the
 * bundle at PATH), `journal-export` (records N records into a journal under directory PATH with
 * a ring of N/4 and exports them all, streamed from the rotated journal).
 */
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzip } from 'node:zlib';
import { unzipSync } from 'fflate';
import { TraceRecorder } from '../src/lab/trace/recorder';
import { writeTrace } from '../src/lab/trace/codec';
import { writeBundle } from '../src/app/support/bundle';
import { openSupportFile } from '../src/app/support/open';
import { serializeTrace } from '../src/shared/trace/serialize';
import { generateTrace } from './renderer/records';

/** What the child reports. */
export interface ChildFigure {
  ms: number;
  /** Kernel peak RSS of the whole child (MiB): a true upper bound of the operation's peak. */
  maxRssMiB: number;
  /** RSS just before the operation started (its input already in memory), MiB. */
  startRssMiB: number;
  /** Peak RSS and heap seen by the 10 ms sampler, MiB. */
  sampledRssMiB: number;
  heapGrowthMiB: number;
  /** Size of the file written (exports). */
  bytes: number | null;
  /** Size of the trace as plain NDJSON. */
  plainBytes: number;
}

const MiB = 1024 * 1024;

async function measure(
  fn: () => Promise<unknown> | unknown,
): Promise<Omit<ChildFigure, 'bytes' | 'plainBytes'>> {
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
    await fn();
    const ms = performance.now() - t0;
    sample();
    return {
      ms,
      maxRssMiB: (process.resourceUsage().maxRSS * 1024) / MiB,
      startRssMiB: start.rss / MiB,
      sampledRssMiB: peakRss / MiB,
      heapGrowthMiB: (peakHeap - start.heapUsed) / MiB,
    };
  } finally {
    clearInterval(timer);
  }
}

async function run(op: string, n: number, path: string): Promise<ChildFigure> {
  if (op === 'export-redacted' || op === 'export-plain') {
    const { header, records } = generateTrace(n, { recordsPerSec: 200, uids: 3 });
    const plainBytes = Buffer.byteLength(serializeTrace(header, records));
    const redact = op === 'export-redacted';
    const m = await measure(() =>
      writeBundle(path, { header, records, options: { redact }, environment: { bench: true } }),
    );
    return { ...m, bytes: (await stat(path)).size, plainBytes };
  }
  if (op === 'gzip-floor') {
    // The export's floor: gzip (level 6, zlib's thread pool, as the bundle's trace member) of the
    // trace's NDJSON, already serialized in memory. Nothing is written.
    const { header, records } = generateTrace(n, { recordsPerSec: 200, uids: 3 });
    const text = Buffer.from(serializeTrace(header, records));
    const plainBytes = text.length;
    let bytes = 0;
    const m = await measure(async () => {
      bytes = (await promisify(gzip)(text, { level: 6 })).length;
    });
    return { ...m, bytes, plainBytes };
  }
  if (op === 'import') {
    const m = await measure(async () => {
      const opened = await openSupportFile(path);
      if (opened.records.length !== n) throw new Error(`imported ${opened.records.length} of ${n} records`);
      if (opened.warnings.length > 0) throw new Error(`import warned: ${opened.warnings.join('; ')}`);
    });
    return { ...m, bytes: null, plainBytes: 0 };
  }
  if (op === 'floor') {
    const gz = unzipSync(new Uint8Array(readFileSync(path)), {
      filter: (f) => f.name === 'trace.ndjson.gz',
    })['trace.ndjson.gz']!;
    const m = await measure(() => {
      const lines = gunzipSync(gz).toString('utf8').split('\n');
      let parsed = 0;
      for (const line of lines) {
        if (line.length === 0) continue;
        JSON.parse(line);
        parsed++;
      }
      if (parsed !== n + 1) throw new Error(`floor parsed ${parsed} lines, expected ${n + 1}`);
    });
    return { ...m, bytes: null, plainBytes: 0 };
  }
  if (op === 'journal-export') {
    const { header, records } = generateTrace(n, { recordsPerSec: 200, uids: 3 });
    const plainBytes = Buffer.byteLength(serializeTrace(header, records));
    const rec = new TraceRecorder({
      header,
      journalPath: join(path, 'bench.open.ndjson'),
      journal: { segmentBytes: Math.max(1 << 20, Math.floor(plainBytes / 8)) },
      ringCapacity: Math.max(1, Math.floor(n / 4)),
    });
    for (let i = 0; i < records.length; i++) {
      const { seq: _seq, t: _t, ...input } = records[i]!;
      rec.record(input as Parameters<TraceRecorder['record']>[0]);
      if (i % 20_000 === 19_999) await rec.flush();
    }
    records.length = 0;
    await rec.flushJournal();
    const out = join(path, 'export.ndjson.gz');
    const m = await measure(async () => {
      const all = await rec.allRecords();
      await writeTrace(out, rec.header, all.records);
    });
    await rec.close();
    return { ...m, bytes: (await stat(out)).size, plainBytes };
  }
  throw new Error(`unknown operation ${op}`);
}

const [op, n, path] = process.argv.slice(2);
if (!op || !n || !path) {
  process.stderr.write('usage: support-child.ts OP N PATH\n');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(await run(op, Number(n), path))}\n`);
