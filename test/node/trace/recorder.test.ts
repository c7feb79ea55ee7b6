/**
 * The recorder: seq/t stamping, batching (at most one batch per flush interval), the bounded
 * ring, the journal's content after close, the redaction guard, and failure isolation.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TraceRecordSchema, TraceHeaderSchema } from '../../../src/shared/trace/records';
import type { RecordInput, TraceRecord } from '../../../src/shared/trace/records';
import { TraceRecorder } from '../../../src/lab/trace/recorder';
import { JournalError } from '../../../src/lab/trace/journal';
import { readTrace } from '../../../src/lab/trace/reader';

const header = { timeScale: 0.1, app: { name: 'faultline', version: 'test' } };
const mark = (label: string): RecordInput => ({ type: 'mark', uid: null, label });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: string;
const open: TraceRecorder[] = [];
function recorder(opts: Partial<ConstructorParameters<typeof TraceRecorder>[0]> = {}): TraceRecorder {
  const r = new TraceRecorder({ header, ...opts });
  open.push(r);
  return r;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-recorder-'));
});
afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((r) => r.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('TraceRecorder stamping', () => {
  it('stamps seq from 1 and t in ms since start at 0.1 ms precision, never decreasing', () => {
    let clock = 1000;
    const rec = recorder({ now: () => clock });
    const a = rec.record(mark('a'));
    clock = 1012.34;
    const b = rec.record(mark('b'));
    clock = 1012.36;
    const c = rec.record(mark('c'));
    clock = 1005; // a clock that steps back must not make t go back
    const d = rec.record(mark('d'));
    expect([a, b, c, d].map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect([a, b, c, d].map((r) => r.t)).toEqual([0, 12.3, 12.4, 12.4]);
    for (const r of [a, b, c, d]) expect(TraceRecordSchema.safeParse(r).success).toBe(true);
    expect(Object.keys(b).slice(0, 3)).toEqual(['seq', 't', 'type']);
  });

  it('ignores seq and t smuggled in by a producer, and the sink is bound', () => {
    const rec = recorder();
    rec.sink({ type: 'mark', uid: null, label: 'x', seq: 99, t: -5 } as unknown as RecordInput);
    const [r] = rec.snapshot();
    expect(r!.seq).toBe(1);
    expect(r!.t).toBeGreaterThanOrEqual(0);
  });

  it('fills the header: format, version, startedAt and defaults', () => {
    const rec = recorder();
    expect(TraceHeaderSchema.parse(rec.header)).toBeTruthy();
    expect(rec.header.format).toBe('faultline-trace');
    expect(rec.header.version).toBe(1);
    expect(Date.parse(rec.header.startedAt)).not.toBeNaN();
    expect(rec.header.scenario).toBeNull();
  });
});

describe('TraceRecorder batching and ring', () => {
  it('delivers every record once, in order, at most one batch per flush interval', async () => {
    const rec = recorder({ flushIntervalMs: 50 });
    const batches: { at: number; records: TraceRecord[] }[] = [];
    rec.onBatch((records) => batches.push({ at: performance.now(), records }));
    const started = performance.now();
    let n = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        for (let i = 0; i < 5; i++) rec.record(mark(`m${n++}`));
        if (n >= 300) {
          clearInterval(timer);
          resolve();
        }
      }, 2);
    });
    await rec.flush();
    const elapsed = performance.now() - started;
    const seqs = batches.flatMap((b) => b.records.map((r) => r.seq));
    expect(seqs).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    // One timer batch per interval at most, plus the one flush() forced.
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(elapsed / 50) + 2);
    expect(batches.length).toBeGreaterThan(1);
    for (let i = 2; i < batches.length - 1; i++) {
      expect(batches[i]!.at - batches[i - 1]!.at).toBeGreaterThanOrEqual(40);
    }
  });

  it('does not emit empty batches and keeps no timer while idle', async () => {
    const rec = recorder({ flushIntervalMs: 20 });
    let calls = 0;
    rec.onBatch(() => calls++);
    await sleep(80);
    expect(calls).toBe(0);
    rec.record(mark('one'));
    await sleep(80);
    expect(calls).toBe(1);
  });

  it('keeps only the newest ringCapacity records; recordsSince(seq) returns those after seq', () => {
    const rec = recorder({ ringCapacity: 10 });
    for (let i = 0; i < 25; i++) rec.record(mark(String(i)));
    expect(rec.snapshot().map((r) => r.seq)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    expect(rec.recordsSince(20).map((r) => r.seq)).toEqual([21, 22, 23, 24, 25]);
    expect(rec.recordsSince(0).map((r) => r.seq)).toEqual(rec.snapshot().map((r) => r.seq));
    expect(rec.recordsSince(25)).toEqual([]);
    expect(rec.recordsSince(99)).toEqual([]);
    expect(rec.recordsSince(Number.NaN)).toHaveLength(10);
    expect(rec.recordsSince(-5)).toHaveLength(10);
    expect(() => recorder({ ringCapacity: 0 })).toThrow(/ring capacity/);
  });

  it('a throwing listener neither stops recording nor other listeners; its failure is logged once', async () => {
    const rec = recorder({ flushIntervalMs: 10 });
    rec.onBatch(() => {
      throw new Error('boom');
    });
    const got: number[] = [];
    const off = rec.onBatch((records) => got.push(...records.map((r) => r.seq)));
    for (let i = 0; i < 3; i++) {
      rec.record(mark(String(i)));
      await sleep(25);
    }
    await rec.flush();
    const logs = rec.snapshot().filter((r) => r.type === 'log');
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ level: 'error', msg: expect.stringContaining('boom') });
    expect(got).toEqual(rec.snapshot().map((r) => r.seq));
    off();
    rec.record(mark('after'));
    await rec.flush();
    expect(got).not.toContain(rec.snapshot().at(-1)!.seq);
  });
});

describe('TraceRecorder journal', () => {
  it('writes the header then every record; the file reads back identical after close', async () => {
    const path = join(dir, 'j.ndjson');
    const rec = recorder({ journalPath: path, flushIntervalMs: 20 });
    const inputs: RecordInput[] = [
      { type: 'state', uid: 1, from: 'DISCONNECTED', to: 'CONNECTING' },
      { type: 'peer', uid: 2, event: 'user-joined', peer: 1 },
      { type: 'reconnect', uid: 1, attempt: 1, phase: 'start' },
      { type: 'media', uid: 1, event: 'ice-state', pc: 'pub', value: 'checking' },
      { type: 'signal', uid: 1, dir: 'tx', msg: 'join' },
      { type: 'stats', uid: 1, rttMs: 12, lossPct: 0, jitterMs: 1.5, sendKbps: 800, recvKbps: null },
      {
        type: 'fault',
        uid: null,
        id: 'f1',
        phase: 'start',
        kind: 'blackhole',
        target: { uid: 1 },
        params: {},
      },
      { type: 'log', uid: null, level: 'info', msg: 'hello' },
    ];
    for (const input of inputs) rec.record(input);
    await sleep(50);
    rec.record(mark('last'));
    await rec.close();
    await rec.close(); // idempotent
    const text = await readFile(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(JSON.parse(text.split('\n')[0]!)).toMatchObject({ format: 'faultline-trace', version: 1 });
    const read = await readTrace(path);
    expect(read.truncated).toBe(false);
    expect(read.warnings).toEqual([]);
    expect(read.header).toEqual(rec.header);
    expect(read.records).toEqual(rec.snapshot());
    for (const r of read.records) expect(TraceRecordSchema.safeParse(r).success).toBe(true);
  });

  it('flush() makes records durable without closing; records after close are kept in the ring only', async () => {
    const path = join(dir, 'f.ndjson');
    const rec = recorder({ journalPath: path, flushIntervalMs: 10_000 });
    rec.record(mark('a'));
    await rec.flush();
    expect((await readTrace(path)).records.map((r) => r.seq)).toEqual([1]);
    await rec.close();
    let batches = 0;
    rec.onBatch(() => batches++);
    rec.record(mark('late'));
    await sleep(30);
    expect(batches).toBe(0);
    expect(rec.snapshot()).toHaveLength(2);
    expect((await readTrace(path)).records).toHaveLength(1);
  });

  it('close() leaves no timer or file handle behind', async () => {
    const count = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'FileHandle');
    const before = count().length;
    const rec = recorder({ journalPath: join(dir, 'd.ndjson'), flushIntervalMs: 5_000 });
    rec.record(mark('pending'));
    expect(count().length).toBeGreaterThan(before);
    await rec.close();
    // At most as many as before: the worker's own timers (vitest's) may have fired meanwhile,
    // which once made an exact count fail with nothing leaked.
    expect(count().length).toBeLessThanOrEqual(before);
  });

  it('drops token, secret and sdp fields and redacts SDP- and token-shaped strings', async () => {
    const path = join(dir, 'r.ndjson');
    const rec = recorder({ journalPath: path });
    const token = `eyJjaGFubmVsIjoiZmF1bHRsaW5lIn0.${'a'.repeat(43)}`;
    const input = {
      type: 'signal',
      uid: 1,
      dir: 'tx',
      msg: 'join',
      token,
      nested: { Secret: 's3cret', ok: 1, list: [{ sdp: 'v=0' }, 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n'] },
    } as unknown as RecordInput;
    rec.record(input);
    rec.record({ type: 'log', uid: null, level: 'debug', msg: token });
    await rec.close();
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain(token);
    expect(text).not.toContain('o=- 1 1');
    expect(text).not.toMatch(/"(token|secret|sdp)"/i);
    const [first, second] = (await readTrace(path)).records as unknown as Record<string, unknown>[];
    expect(first).toMatchObject({ msg: 'join', nested: { ok: 1, list: [{}, '[redacted: sdp]'] } });
    expect(second).toMatchObject({ msg: '[redacted: token]' });
    expect((input as unknown as { token: string }).token).toBe(token); // the producer's object is untouched
  });

  it('a record JSON cannot hold becomes a log line with the same seq', async () => {
    const path = join(dir, 'b.ndjson');
    const rec = recorder({ journalPath: path });
    rec.record({ type: 'log', uid: null, level: 'info', msg: 'ok' });
    rec.record({
      type: 'stats',
      uid: 1,
      rttMs: 1,
      lossPct: 0,
      jitterMs: 0,
      sendKbps: 0,
      recvKbps: 0,
      raw: { big: 1n },
    });
    rec.record(mark('after'));
    await rec.close();
    const read = await readTrace(path);
    expect(read.records.map((r) => [r.seq, r.type])).toEqual([
      [1, 'log'],
      [2, 'log'],
      [3, 'mark'],
    ]);
    expect(read.records[1]).toMatchObject({
      level: 'error',
      msg: expect.stringContaining('could not be serialized'),
    });
  });

  it('an unwritable journal path does not break recording; flush and close say why', async () => {
    const rec = recorder({ journalPath: join(dir, 'no', 'such', 'dir', 'j.ndjson') });
    const errors: JournalError[] = [];
    rec.onJournalError((e) => errors.push(e));
    const r = rec.record(mark('still recorded'));
    expect(r.seq).toBe(1);
    await expect(rec.flush()).rejects.toMatchObject({ code: 'JOURNAL_OPEN_FAILED' });
    await expect(rec.close()).rejects.toBeInstanceOf(JournalError);
    expect(errors).toHaveLength(1);
    expect(rec.journalError?.message).toMatch(/Cannot open the trace journal/);
    expect(rec.snapshot()).toHaveLength(1);
  });
});
