/**
 * The trace store's parts along their seams: what each does before the page is connected and
 * after `dispose`, browser mode's NOT_SUPPORTED for the desktop-only calls, and that the parts
 * act on one trace (an opened file stops the live feed; recovery and export use the same
 * connection).
 */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTraceStore } from '../../src/renderer/src/stores/trace';
import { requireConnection, unlessUnsupported } from '../../src/renderer/src/stores/trace-connection';
import { IpcError } from '../../src/shared/ipc';
import { encodeCompact } from '../../src/shared/trace/compact';
import { snapshotResponse } from '../../src/shared/ipc/snapshot';
import { LAB_CHART_RECORD_TYPES } from '../../src/shared/view/charts/record-types';
import type { TraceRecord } from '../../src/shared/trace/records';
import { FakeApi, fakeConnection, header, Records, seedTrace } from './helpers';

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
});

/** The bundle options the Export dialog sends by default. */
const BUNDLE = { redact: true, pseudonymizeIds: false };

/** The store connected to a fake main process that holds an empty live trace. */
async function connected(api: FakeApi): Promise<ReturnType<typeof useTraceStore>> {
  api.handle('trace:get-snapshot', () => ({ header: header(), records: [] }));
  const trace = useTraceStore();
  await trace.init(fakeConnection(api));
  return trace;
}

describe('the connection the parts share', () => {
  it('requireConnection names the missing connection with the DISCONNECTED code', () => {
    let caught: unknown;
    try {
      requireConnection({ current: null });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(IpcError);
    expect((caught as IpcError).code).toBe('DISCONNECTED');
    expect((caught as IpcError).message).toBe('The dashboard is not connected to Faultline yet.');
  });

  it('unlessUnsupported: unsupported with no connection or on NOT_SUPPORTED, other errors reject', async () => {
    const conn = fakeConnection(new FakeApi());
    expect(await unlessUnsupported({ current: null }, async () => 1)).toBe('unsupported');
    expect(await unlessUnsupported({ current: conn }, async () => 1)).toBe(1);
    const notHere = async (): Promise<number> => {
      throw new IpcError('desktop only', 'NOT_SUPPORTED');
    };
    expect(await unlessUnsupported({ current: conn }, notHere)).toBe('unsupported');
    const broken = async (): Promise<number> => {
      throw new IpcError('disk full', 'INTERNAL');
    };
    await expect(unlessUnsupported({ current: conn }, broken)).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});

describe('trace store parts before connecting and after dispose', () => {
  it('calls that need main reject with DISCONNECTED; desktop-only ones say unsupported; lists stay empty', async () => {
    const trace = useTraceStore();
    await expect(trace.openBytes('a.ndjson', new Uint8Array([1]))).rejects.toMatchObject({
      code: 'DISCONNECTED',
    });
    await expect(trace.openUpload(new File(['x'], 'a.ndjson'))).rejects.toMatchObject({
      code: 'DISCONNECTED',
    });
    await expect(trace.exportBundle(BUNDLE)).rejects.toMatchObject({ code: 'DISCONNECTED' });
    await expect(trace.openRecovered('j1')).rejects.toMatchObject({ code: 'DISCONNECTED' });
    await expect(trace.discardRecovered('j1')).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(await trace.openNative()).toBe('unsupported');
    expect(await trace.exportNative()).toBe('unsupported');
    await trace.listRecoverable();
    expect(trace.recoverable).toEqual([]);
    await trace.refresh();
    expect(trace.loading).toBe(false);
  });

  it('after dispose nothing reaches main and no event is heard', async () => {
    const api = new FakeApi();
    const trace = await connected(api);
    trace.dispose();
    const calls = api.calls.length;
    await expect(trace.exportBundle(BUNDLE)).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(api.calls).toHaveLength(calls);
    expect(api.listenerCount('trace:records')).toBe(0);
    expect(api.listenerCount('trace:opened')).toBe(0);
    expect(api.listenerCount('app:menu')).toBe(0);
  });
});

describe('trace store parts on one connection', () => {
  it('browser mode answers NOT_SUPPORTED for the native open and export: both say unsupported', async () => {
    const api = new FakeApi()
      .handle('trace:open', () => {
        throw new IpcError('not in browser mode', 'NOT_SUPPORTED');
      })
      .handle('trace:export', () => {
        throw new IpcError('not in browser mode', 'NOT_SUPPORTED');
      });
    const trace = await connected(api);
    expect(await trace.openNative()).toBe('unsupported');
    expect(await trace.exportNative({ format: 'bundle' })).toBe('unsupported');
    expect(api.calls.map((c) => c.channel)).toEqual(expect.arrayContaining(['trace:open', 'trace:export']));
  });

  it('a native export that fails otherwise rejects with its code', async () => {
    const api = new FakeApi().handle('trace:export', () => {
      throw new IpcError('disk full', 'INTERNAL');
    });
    const trace = await connected(api);
    await expect(trace.exportNative()).rejects.toMatchObject({ code: 'INTERNAL', message: 'disk full' });
  });

  it('opened bytes replace the live trace; a menu command is numbered each time', async () => {
    const opened = {
      name: 'dump.json',
      header: header(),
      records: seedTrace().list,
      truncated: false,
      warnings: ['one PC had no stats'],
      kind: 'webrtc-internals' as const,
    };
    const api = new FakeApi().handle('trace:open-bytes', () => opened);
    const trace = await connected(api);
    await trace.openBytes('dump.json', new Uint8Array([123, 125]));
    expect(api.calls.at(-1)).toEqual({
      channel: 'trace:open-bytes',
      request: { name: 'dump.json', base64: 'e30=' },
    });
    expect(trace.source).toEqual({
      kind: 'file',
      name: 'dump.json',
      truncated: false,
      warnings: ['one PC had no stats'],
      opened: 'webrtc-internals',
    });
    expect(trace.count).toBe(opened.records.length);
    api.emit('trace:records', { records: [{ seq: 999, t: 1, type: 'mark', uid: null, label: 'live' }] });
    expect(trace.index.bySeq(999)).toBeUndefined();

    api.emit('app:menu', { action: 'open-trace' });
    api.emit('app:menu', { action: 'open-trace' });
    expect(trace.menuRequest).toEqual({ action: 'open-trace', n: 2 });
  });
});

describe('the snapshot fetch', () => {
  it('asks once when the connection opens after init, and again after a reconnect', async () => {
    const api = new FakeApi();
    const pending: Array<() => void> = [];
    api.handle(
      'trace:get-snapshot',
      () => new Promise((resolve) => pending.push(() => resolve({ header: header(), records: [] }))),
    );
    const releaseAll = (): void => pending.splice(0).forEach((release) => release());
    const conn = fakeConnection(api);
    conn.setStatus({ state: 'connecting', attempt: 0, retryAt: null, detail: null });
    const trace = useTraceStore();
    const ready = trace.init(conn);
    // Before: the open below started a second fetch of the whole trace (measured in Chromium on a
    // 200,000-record trace: two 16.8 MB snapshot frames parsed and indexed).
    conn.setStatus({ state: 'open', attempt: 0, retryAt: null, detail: null });
    // A fetch is two requests: the chart records, then (after a paint) the whole trace.
    const requests = (): number => api.calls.filter((c) => c.channel === 'trace:get-snapshot').length;
    expect(requests()).toBe(1);
    releaseAll();
    await until(() => requests() === 2);
    releaseAll();
    await ready;
    conn.setStatus({ state: 'reconnecting', attempt: 1, retryAt: null, detail: null });
    conn.setStatus({ state: 'open', attempt: 0, retryAt: null, detail: null });
    expect(requests()).toBe(3);
    releaseAll();
    await until(() => requests() === 4);
    releaseAll();
    await trace.refresh();
  });

  it('asks for the compact form and shows its records; a malformed one is an error that keeps the trace', async () => {
    const records = seedTrace().stats(1000, 1, 12).list;
    let answer: unknown = { header: header(), compact: encodeCompact(records) };
    const api = new FakeApi().handle('trace:get-snapshot', () => answer as never);
    const conn = fakeConnection(api);
    const trace = useTraceStore();
    await trace.init(conn);
    expect(api.calls.filter((c) => c.channel === 'trace:get-snapshot').map((c) => c.request)).toEqual([
      { form: 'compact', types: [...LAB_CHART_RECORD_TYPES] },
      { form: 'compact' },
    ]);
    expect(trace.index.records).toEqual(records);
    expect(trace.error).toBeNull();

    answer = { header: header(), compact: { ...encodeCompact(records), strings: [] } };
    await trace.refresh();
    expect(trace.error).toMatch(/load the trace.*string 0 is not defined/);
    expect(trace.count).toBe(records.length);
  });

  it('shows the chart records first, marks the trace partial until the rest is in, and keeps them when the rest fails', async () => {
    const all = seedTrace().list.flatMap((r, i): TraceRecord[] => [
      r,
      { seq: 0, t: r.t, type: 'log', uid: null, level: 'info', msg: `line ${i}` } as TraceRecord,
    ]);
    all.push({ seq: 0, t: 40_000, type: 'signal', uid: 1, dir: 'in', msg: 'pong' } as unknown as TraceRecord);
    all.forEach((r, i) => (r.seq = i + 1));
    const charted = all.filter((r) => (LAB_CHART_RECORD_TYPES as readonly string[]).includes(r.type));
    let releaseWhole: (() => void) | null = null;
    let failWhole = false;
    const api = new FakeApi().handle('trace:get-snapshot', (request) => {
      const answer = snapshotResponse(header(), all, request);
      if (request.types) return answer;
      return new Promise((resolve, reject) => {
        releaseWhole = () => (failWhole ? reject(new IpcError('gone', 'DISCONNECTED')) : resolve(answer));
      });
    });
    const trace = useTraceStore();
    const ready = trace.init(fakeConnection(api));
    await until(() => releaseWhole !== null);
    // The charts have every record they draw, and the trace's end; the rest is on its way.
    expect(trace.index.records).toEqual(charted);
    expect(charted.length).toBeLessThan(all.length);
    expect(trace.lastT).toBe(40_000);
    expect(trace.partial).toBe(true);
    expect(trace.loading).toBe(true);
    releaseWhole!();
    await ready;
    expect(trace.index.records).toEqual(all);
    expect(trace.partial).toBe(false);
    expect(trace.loading).toBe(false);

    releaseWhole = null;
    failWhole = true;
    const again = trace.refresh();
    await until(() => releaseWhole !== null);
    releaseWhole!();
    await again;
    expect(trace.error).toMatch(/load the trace/);
    expect(trace.index.records).toEqual(charted);
    expect(trace.partial).toBe(true);
    expect(trace.loading).toBe(false);
  });
});

describe('a file opened while the live snapshot loads', () => {
  it('stays on screen: the whole snapshot that arrives later does not replace it', async () => {
    const live = seedTrace().list;
    let releaseWhole: (() => void) | null = null;
    const api = new FakeApi().handle('trace:get-snapshot', (request) => {
      const answer = snapshotResponse(header(), live, request);
      if (request.types) return answer;
      return new Promise((resolve) => (releaseWhole = () => resolve(answer)));
    });
    const trace = useTraceStore();
    const ready = trace.init(fakeConnection(api));
    await until(() => releaseWhole !== null);
    const file = new Records().mark(5, 'from the file').list;
    api.emit('trace:opened', {
      name: 'f.ndjson',
      header: header(),
      records: file,
      truncated: false,
      warnings: [],
    });
    releaseWhole!();
    await ready;
    expect(trace.source).toMatchObject({ kind: 'file', name: 'f.ndjson' });
    expect(trace.index.records).toEqual(file);
    expect(trace.partial).toBe(false);
  });
});

/** Resolves once `done()` holds (checked after each macrotask; 2 s at most). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!done()) throw new Error('condition not reached');
}
