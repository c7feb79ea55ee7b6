/**
 * Diagnosis figures: a recorded lab run (the short-drop fixture: an interruption, a rejoin, stats
 * every second) repeated end to end up to N records, written as gzip NDJSON, read back, then
 * diagnosed — and the ratio of diagnosing to reading the same file, the floor a person already
 * waits for. Run alone: `node --import tsx bench/diagnose-bench.ts [N]`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { diagnoseTrace } from '../src/shared/diagnose';
import { parseTraceText } from '../src/shared/trace/parse';
import type { TraceRecord } from '../src/shared/trace/records';
import { writeTrace } from '../src/lab/trace/codec';
import { readTrace } from '../src/lab/trace/reader';
import { fmt, printTable } from './stats';

const FIXTURE = join(import.meta.dirname, '..', 'test', 'fixtures', 'lab-runs', 'short-drop.ndjson.gz');

/** The measured figures. */
export interface DiagnoseFigures {
  records: number;
  incidents: number;
  fileMiB: number;
  readMs: number;
  diagnoseMs: number;
  /** diagnoseMs ÷ readMs. */
  ratio: number;
}

/** Builds `n` records by repeating the fixture's run, each copy later in time and seq. */
async function tiled(n: number) {
  const run = parseTraceText(gunzipSync(await readFile(FIXTURE)).toString('utf8'));
  const base = run.records;
  const span = base[base.length - 1]!.t + 1000;
  const records: TraceRecord[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const copy = Math.floor(i / base.length);
    const r = base[i % base.length]!;
    records[i] = { ...r, seq: i + 1, t: r.t + copy * span } as TraceRecord;
  }
  return { header: { ...run.header, scenario: null }, records };
}

/** Measures reading and diagnosing `n` records in a temporary directory. */
export async function measureDiagnose(n: number): Promise<DiagnoseFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'faultline-bench-diagnose-'));
  try {
    const { header, records } = await tiled(n);
    const path = join(dir, 'trace.ndjson.gz');
    const { bytes } = await writeTrace(path, header, records, { gzip: true });
    records.length = 0;
    globalThis.gc?.();
    let t0 = performance.now();
    const read = await readTrace(path, { maxBytes: 4 * 1024 ** 3 });
    const readMs = performance.now() - t0;
    if (read.records.length !== n) throw new Error(`read ${read.records.length} of ${n} records`);
    t0 = performance.now();
    const diagnosis = diagnoseTrace({ header: read.header, records: read.records });
    const diagnoseMs = performance.now() - t0;
    return {
      records: n,
      incidents: diagnosis.incidents.length,
      fileMiB: bytes / 1024 ** 2,
      readMs,
      diagnoseMs,
      ratio: diagnoseMs / readMs,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function printDiagnose(f: DiagnoseFigures): void {
  printTable(
    `Diagnosis: ${f.records.toLocaleString('en')} records of repeated lab runs (${fmt(f.fileMiB, 1)} MiB gzip)`,
    ['operation', 'ms', 'records/s', 'incidents', 'ratio to read'],
    [
      ['read (the floor)', fmt(f.readMs, 0), fmt(f.records / (f.readMs / 1000), 0), '', '1.00'],
      [
        'diagnose',
        fmt(f.diagnoseMs, 0),
        fmt(f.records / (f.diagnoseMs / 1000), 0),
        f.incidents,
        fmt(f.ratio, 2),
      ],
    ],
  );
}

/** Prints the diagnosis figures; `quick` uses 100 000 records instead of 1 000 000. */
export async function benchDiagnose({ quick = false }: { quick?: boolean } = {}): Promise<void> {
  printDiagnose(await measureDiagnose(quick ? 100_000 : 1_000_000));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printDiagnose(await measureDiagnose(Number(process.argv[2] ?? 1_000_000)));
}
