/**
 * Trace figures: recorder throughput (stamp + ring + journal), writing and reading N records as
 * plain NDJSON and gzip, and checking them. `measureTrace(n)` returns the figures (reusable by
 * tests); `benchTrace()` prints them. Run alone: `node --import tsx bench/trace.ts [N]`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkTrace } from '../src/shared/check';
import type { RecordInput, TraceRecord } from '../src/shared/trace/records';
import { makeHeader } from '../src/shared/trace/serialize';
import { TraceRecorder } from '../src/lab/trace/recorder';
import { writeTrace } from '../src/lab/trace/codec';
import { readTrace } from '../src/lab/trace/reader';
import { fmt, printTable } from './stats';

/** One measured operation. */
export interface TraceFigure {
  op: string;
  records: number;
  ms: number;
  recordsPerSec: number;
  bytes: number | null;
  /** Heap growth during the operation (MiB), when measured. */
  heapMiB: number | null;
}

/** A realistic mix: mostly stats and signal, some state, peer, media and reconnect records. */
function input(i: number): RecordInput {
  const uid = (i % 4) + 1;
  switch (i % 10) {
    case 0:
    case 1:
    case 2:
      return {
        type: 'stats',
        uid,
        rttMs: 20 + (i % 7),
        lossPct: 0.5,
        jitterMs: 3.25,
        sendKbps: 950,
        recvKbps: 1800,
        raw: { engine: 'wrtc', fps: 30 },
      };
    case 3:
    case 4:
      return { type: 'signal', uid, dir: i % 2 ? 'tx' : 'rx', msg: i % 2 ? 'ping' : 'pong' };
    case 5:
      return { type: 'media', uid, event: 'ice-state', pc: 'pub', value: 'connected' };
    case 6:
      return { type: 'peer', uid, event: 'user-published', peer: uid + 1, mediaType: 'video' };
    case 7:
      return {
        type: 'reconnect',
        uid,
        attempt: i % 5,
        phase: 'failure',
        delayMs: 1000,
        error: 'ECONNREFUSED',
      };
    case 8:
      return { type: 'log', uid: null, level: 'info', msg: `server: member ${uid} heartbeat` };
    default:
      return { type: 'mark', uid: null, label: `mark ${i}` };
  }
}

function heapMiB(): number {
  return process.memoryUsage().heapUsed / (1024 * 1024);
}

function figure(
  op: string,
  records: number,
  ms: number,
  bytes: number | null,
  heap: number | null,
): TraceFigure {
  return { op, records, ms, recordsPerSec: records / (ms / 1000), bytes, heapMiB: heap };
}

/** Measures recording, writing, reading and checking `n` records in a temporary directory. */
export async function measureTrace(n: number): Promise<TraceFigure[]> {
  const dir = await mkdtemp(join(tmpdir(), 'faultline-bench-trace-'));
  const out: TraceFigure[] = [];
  try {
    // Recorder: stamp + ring + journal, then close (fsync).
    const rec = new TraceRecorder({
      header: { timeScale: 1, app: { name: 'faultline', version: 'bench' } },
      journalPath: join(dir, 'journal.ndjson'),
      ringCapacity: 100_000,
    });
    let t0 = performance.now();
    for (let i = 0; i < n; i++) rec.record(input(i));
    await rec.close();
    out.push(figure('record + journal', n, performance.now() - t0, null, null));

    const header = makeHeader({ timeScale: 1, app: { name: 'faultline', version: 'bench' } });
    const records: TraceRecord[] = new Array(n);
    for (let i = 0; i < n; i++) records[i] = { seq: i + 1, t: i / 10, ...input(i) } as TraceRecord;

    for (const gzip of [false, true]) {
      const path = join(dir, gzip ? 'trace.ndjson.gz' : 'trace.ndjson');
      t0 = performance.now();
      const { bytes } = await writeTrace(path, header, records, { gzip });
      out.push(figure(`write ${gzip ? 'gzip' : 'plain'}`, n, performance.now() - t0, bytes, null));
      globalThis.gc?.();
      const before = heapMiB();
      t0 = performance.now();
      const read = await readTrace(path, { maxBytes: 4 * 1024 ** 3 });
      const ms = performance.now() - t0;
      if (read.records.length !== n) throw new Error(`read ${read.records.length} of ${n} records`);
      out.push(figure(`read ${gzip ? 'gzip' : 'plain'}`, n, ms, bytes, heapMiB() - before));
    }
    t0 = performance.now();
    checkTrace({ header, records });
    out.push(figure('check', n, performance.now() - t0, null, null));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}

function printTraceFigures(n: number, figures: TraceFigure[]): void {
  printTable(
    `Trace: ${n.toLocaleString('en')} records`,
    ['operation', 'ms', 'records/s', 'file MiB', 'heap +MiB'],
    figures.map((f) => [
      f.op,
      fmt(f.ms, 0),
      fmt(f.recordsPerSec, 0),
      f.bytes === null ? '' : fmt(f.bytes / 1024 ** 2, 1),
      f.heapMiB === null ? '' : fmt(f.heapMiB, 0),
    ]),
  );
}

/** Prints the trace figures; `quick` uses 100 000 records instead of 1 000 000. */
export async function benchTrace({ quick = false }: { quick?: boolean } = {}): Promise<void> {
  const n = quick ? 100_000 : 1_000_000;
  printTraceFigures(n, await measureTrace(n));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const n = Number(process.argv[2] ?? 1_000_000);
  printTraceFigures(n, await measureTrace(n));
}
