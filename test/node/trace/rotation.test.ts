/**
 * Journal rotation with real files: segments appear under load, each is a valid trace by
 * itself (gzip once closed), every seq is present across them in order, `maxJournalBytes`
 * deletes the oldest with a `log` record naming the dropped range, and journals move and go as
 * one (every segment).
 */
import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { readTrace } from '../../../src/lab/trace/reader';
import { TraceRecorder } from '../../../src/lab/trace/recorder';
import type { JournalRotation } from '../../../src/lab/trace/journal';
import type { TraceRecord } from '../../../src/shared/trace/records';
import {
  journalBytes,
  listJournalFiles,
  readJournal,
  removeJournal,
  renameJournal,
} from '../../../src/lab/trace/segments';

let dir: string | null = null;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = null;
});

type LogRecord = Extract<TraceRecord, { type: 'log' }>;

async function record(
  count: number,
  rotation: JournalRotation,
): Promise<{ base: string; rec: TraceRecorder; logs: LogRecord[] }> {
  dir = await mkdtemp(join(tmpdir(), 'faultline-rotate-'));
  const base = join(dir, 'session.open.ndjson');
  const rec = new TraceRecorder({
    header: { timeScale: 1, app: { name: 'faultline', version: 'rotation-test' } },
    journalPath: base,
    journal: rotation,
    flushIntervalMs: 5,
    ringCapacity: 1000,
  });
  const logs: LogRecord[] = [];
  rec.onBatch((batch) => logs.push(...batch.filter((r): r is LogRecord => r.type === 'log')));
  for (let i = 0; i < count; i++) {
    rec.record({ type: 'mark', uid: null, label: `mark ${i} ${'x'.repeat(40)}` });
    if (i % 2000 === 1999) await rec.flush();
  }
  await rec.close();
  return { base, rec, logs };
}

const seqsOf = (records: { seq: number }[]): number[] => records.map((r) => r.seq);
const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

it('rotates under load: gzip segments, each a valid trace, all seqs across them in order', async () => {
  const { base, rec } = await record(30_000, { segmentBytes: 256 * 1024 });
  const files = await listJournalFiles(base);
  expect(files.length).toBeGreaterThan(5);
  expect(files.slice(0, -1).every((f) => f.gzip)).toBe(true);
  expect(files.at(-1)!.path).toBe(base);
  const seen: number[] = [];
  for (const file of files) {
    const segment = await readTrace(file.path);
    expect(segment.header).toEqual(rec.header);
    expect(segment.truncated).toBe(false);
    expect(segment.skipped.invalidTotal).toBe(0);
    seen.push(...seqsOf(segment.records));
  }
  expect(seen).toEqual(range(1, 30_000));
  const whole = await readJournal(base);
  expect(whole.header).toEqual(rec.header);
  expect(seqsOf(whole.records)).toEqual(range(1, 30_000));
  expect(whole.truncated).toBe(false);
  expect(whole.warnings).toEqual([]);
  // Nothing left over from compression.
  expect((await readdir(dir!)).filter((n) => n.endsWith('.tmp') || /\d$/.test(n))).toEqual([]);
});

it('rotates by record count too', async () => {
  const { base } = await record(5000, { segmentRecords: 1000 });
  const files = await listJournalFiles(base);
  expect(files.length).toBeGreaterThanOrEqual(3);
  expect(seqsOf((await readJournal(base)).records)).toEqual(range(1, 5000));
});

it('maxJournalBytes deletes the oldest segments and says which seqs went', async () => {
  const { base, logs } = await record(30_000, { segmentBytes: 64 * 1024, maxJournalBytes: 200 * 1024 });
  const trace = await readJournal(base);
  // The notices of later drops are in the journal; earlier ones went with their segments, but
  // every one was recorded (the batch listener saw them, or the journal holds them).
  const notices = new Map<number, LogRecord>();
  for (const r of [...logs, ...trace.records])
    if (r.type === 'log' && /size limit/.test(r.msg)) notices.set(r.seq, r);
  expect(trace.records.some((r) => r.type === 'log' && /size limit/.test(r.msg))).toBe(true);
  const ranges = [...notices.values()]
    .sort((a, b) => a.seq - b.seq)
    .map((l) => /seq (\d+)–(\d+)/.exec(l.msg)!.slice(1).map(Number) as [number, number]);
  expect(ranges[0]![0]).toBe(1);
  for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBe(ranges[i - 1]![1] + 1);
  const lastDropped = ranges.at(-1)![1];
  expect(seqsOf(trace.records)).toEqual(range(lastDropped + 1, trace.records.at(-1)!.seq));
  expect(trace.records.filter((r) => r.type === 'mark').at(-1)!.seq).toBeGreaterThanOrEqual(30_000);
  // Under the cap (plus at most one segment of slack: the open one may pass it before rotating).
  expect(await journalBytes(base)).toBeLessThanOrEqual(200 * 1024 + 64 * 1024 + 4096);
});

it('a journal that never rotated is the single-file layout', async () => {
  const { base } = await record(500, {});
  expect((await listJournalFiles(base)).map((f) => f.path)).toEqual([base]);
  expect(await readJournal(base)).toEqual(await readTrace(base));
});

it('a cut last segment opens what is intact, with a warning', async () => {
  const { base } = await record(5000, { segmentRecords: 1000 });
  await appendFile(base, '{"seq":5001,"t":1,"type":"ma');
  const trace = await readJournal(base);
  expect(trace.truncated).toBe(true);
  expect(trace.warnings.join(' ')).toMatch(/truncated/);
  expect(seqsOf(trace.records)).toEqual(range(1, 5000));
});

it('an unreadable journal rejects with the typed errors', async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-rotate-'));
  await expect(readJournal(join(dir, 'missing.ndjson'))).rejects.toMatchObject({ code: 'IO_ERROR' });
});

it('moves and removes every segment; the recorder follows the move', async () => {
  const { base, rec } = await record(5000, { segmentRecords: 1000 });
  const to = join(dir!, 'session.ndjson');
  const count = (await listJournalFiles(base)).length;
  await renameJournal(base, to);
  expect(rec.journalPath).toBe(to);
  expect(await listJournalFiles(base)).toEqual([]);
  expect((await listJournalFiles(to)).length).toBe(count);
  expect(seqsOf((await readJournal(to)).records)).toEqual(range(1, 5000));
  await removeJournal(to);
  expect(await readdir(dir!)).toEqual([]);
});

it('reads a journal consistently while it rotates', async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-rotate-'));
  const base = join(dir, 'live.open.ndjson');
  const rec = new TraceRecorder({
    header: { timeScale: 1, app: { name: 'faultline', version: 'rotation-test' } },
    journalPath: base,
    journal: { segmentRecords: 500 },
    flushIntervalMs: 2,
  });
  let writing = true;
  const writer = (async () => {
    for (let i = 0; writing && i < 200_000; i++) {
      rec.record({ type: 'mark', uid: null, label: `m${i}` });
      if (i % 100 === 99) await new Promise((r) => setTimeout(r, 1));
    }
  })();
  try {
    for (let round = 0; round < 10; round++) {
      await rec.flushJournal();
      const seqs = seqsOf((await readJournal(base)).records);
      expect(seqs.length).toBeGreaterThan(0);
      expect(seqs).toEqual(range(1, seqs.length));
    }
  } finally {
    writing = false;
    await writer;
    await rec.close();
  }
  expect(seqsOf((await readJournal(base)).records)).toEqual(range(1, rec.nextSequence - 1));
});
