/**
 * Export of a session longer than the recorder's ring: a real recorder (default 100 000-record
 * ring, journal rotating every 4 MiB) fed 300 000 synthetic records exports all 300 000, in seq
 * order, as a bare trace (streamed from the journal) and as a bundle, while recording and after
 * the journal was closed and renamed (as a clean stop does).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readTrace } from '../../../src/lab/trace/reader';
import { TraceRecorder } from '../../../src/lab/trace/recorder';
import { listJournalFiles, renameJournal } from '../../../src/lab/trace/segments';
import type { LabService } from '../../../src/app/services/lab-service';
import { exportSupport, exportTrace } from '../../../src/app/services/trace-files';
import { BUNDLE_FILES } from '../../../src/app/support/bundle';
import { parseTraceText } from '../../../src/shared/trace/parse';
import { unzipText } from './helpers';

const N = 300_000;
let dir: string;
let rec: TraceRecorder;
/** The service's side of an export, for this recorder: `currentTrace()` and `currentRecorder()` as LabService has them. */
let service: LabService;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-long-export-'));
  rec = new TraceRecorder({
    header: { timeScale: 1, app: { name: 'faultline', version: 'long-export-test' } },
    journalPath: join(dir, 'long.open.ndjson'),
    journal: { segmentBytes: 4 * 1024 * 1024 },
  });
  service = {
    currentTrace: () => ({ header: rec.header, records: rec.snapshot() }),
    currentRecorder: () => rec,
  } as unknown as LabService;
  for (let i = 0; i < N; i++) {
    if (i % 1000 === 0) rec.record({ type: 'log', uid: 1, level: 'info', msg: `step ${i} from 10.1.2.3` });
    else rec.record({ type: 'mark', uid: null, label: `m${i}` });
    if (i % 10_000 === 9999) await rec.flush();
  }
}, 120_000);

afterAll(async () => {
  await rec.close();
  await rm(dir, { recursive: true, force: true });
});

const inOrder = (seqs: number[]): boolean => seqs.length === N && seqs.every((s, i) => s === i + 1);

it('knows the ring dropped records; the journal rotated', async () => {
  expect(rec.droppedFromRing).toBe(N - 100_000);
  expect(rec.firstSeqInRing).toBe(N - 100_000 + 1);
  await rec.flush();
  expect((await listJournalFiles(rec.journalPath!)).length).toBeGreaterThan(3);
});

it('exports all records while recording (ndjson.gz and ndjson)', async () => {
  for (const format of ['ndjson.gz', 'ndjson'] as const) {
    const path = join(dir, `out.${format}`);
    await exportSupport(service, path, { format, redact: true, pseudonymizeIds: false });
    const trace = await readTrace(path);
    expect(trace.header).toEqual(rec.header);
    expect(inOrder(trace.records.map((r) => r.seq))).toBe(true);
  }
}, 120_000);

it('exports all records in a bundle', async () => {
  const path = join(dir, 'out-support.zip');
  await exportSupport(service, path, { format: 'bundle', redact: true, pseudonymizeIds: false });
  const text = unzipText(new Uint8Array(await readFile(path)))[BUNDLE_FILES.trace]!;
  const trace = parseTraceText(text);
  expect(inOrder(trace.records.map((r) => r.seq))).toBe(true);
  expect(text).not.toContain('10.1.2.3');
}, 120_000);

it('exports all records after the journal was closed and renamed', async () => {
  await rec.close();
  const clean = join(dir, 'long.ndjson');
  await renameJournal(rec.journalPath!, clean);
  expect(rec.journalPath).toBe(clean);
  const path = join(dir, 'after.ndjson.gz');
  await exportTrace(service, path);
  expect(inOrder((await readTrace(path)).records.map((r) => r.seq))).toBe(true);
}, 120_000);
