import { nextTick } from 'vue';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useLabStore } from '../../src/renderer/src/stores/lab';
import { useScenarioStore } from '../../src/renderer/src/stores/scenario';
import { PUBLISH_EVERY_MS, useTraceStore } from '../../src/renderer/src/stores/trace';
import { useUiStore } from '../../src/renderer/src/stores/ui';
import { IpcError } from '../../src/shared/ipc';
import type { TraceRecord } from '../../src/shared/trace/records';
import { FakeApi, fakeConnection, header, labStatus, seedTrace } from './helpers';

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
});
afterEach(() => {
  vi.useRealTimers();
});

describe('trace store', () => {
  it('loads the snapshot, then applies events that arrived meanwhile without duplicates', async () => {
    const { list } = seedTrace();
    const api = new FakeApi();
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    // Both requests of the fetch (the chart records, then the whole trace) wait for the release.
    api.handle('trace:get-snapshot', async () => {
      await released;
      return { header: header(), records: list.slice(0, 12) };
    });
    const trace = useTraceStore();
    const ready = trace.init(fakeConnection(api));
    expect(trace.loading).toBe(true);
    // Live batches overlap the snapshot (seq 10..end) while it loads.
    api.emit('trace:records', { records: list.slice(9) });
    release();
    await ready;
    trace.flush();
    expect(trace.loading).toBe(false);
    expect(trace.count).toBe(list.length);
    expect(trace.index.records.map((r) => r.seq)).toEqual(list.map((r) => r.seq));
    expect(trace.uids).toEqual([1, 2]);
  });

  it('publishes at most every PUBLISH_EVERY_MS however many batches arrive', async () => {
    vi.useFakeTimers();
    const trace = useTraceStore();
    trace.load(header(), []);
    const before = trace.version;
    const { list } = seedTrace();
    for (const r of list) trace.ingest({ records: [r] });
    expect(trace.version).toBe(before);
    expect(trace.index.records).toHaveLength(list.length);
    vi.advanceTimersByTime(PUBLISH_EVERY_MS);
    expect(trace.version).toBe(before + 1);
    expect(trace.count).toBe(list.length);
  });

  it('a batch with a new header starts a new trace', () => {
    const trace = useTraceStore();
    trace.load(header(), seedTrace().list);
    const next = header({ startedAt: '2026-02-02T00:00:00.000Z' });
    const first: TraceRecord = { seq: 1, t: 0, type: 'mark', uid: null, label: 'new' };
    trace.ingest({ header: next, records: [first] });
    trace.flush();
    expect(trace.header?.startedAt).toBe(next.startedAt);
    expect(trace.index.records).toEqual([first]);
  });

  it('an opened file replaces the live view until showLive; refetches after a reconnect', async () => {
    const api = new FakeApi().handle('trace:get-snapshot', () => ({ header: header(), records: [] }));
    const conn = fakeConnection(api);
    const trace = useTraceStore();
    await trace.init(conn);
    api.emit('trace:opened', {
      name: 'x.ndjson',
      header: header(),
      records: seedTrace().list,
      truncated: false,
      warnings: [],
    });
    expect(trace.source).toMatchObject({ kind: 'file', name: 'x.ndjson' });
    api.emit('trace:records', { records: [{ seq: 999, t: 1, type: 'mark', uid: null, label: 'live' }] });
    expect(trace.index.bySeq(999)).toBeUndefined();
    await trace.showLive();
    expect(trace.source.kind).toBe('live');
    // Each fetch is two requests: the chart records, then (after a paint) the whole trace.
    expect(api.calls.filter((c) => c.channel === 'trace:get-snapshot')).toHaveLength(4);
    conn.setStatus({ state: 'reconnecting', attempt: 1, retryAt: null, detail: null });
    conn.setStatus({ state: 'open', attempt: 0, retryAt: null, detail: null });
    await Promise.resolve();
    expect(api.calls.filter((c) => c.channel === 'trace:get-snapshot')).toHaveLength(5);
    trace.dispose();
    expect(api.listenerCount('trace:records')).toBe(0);
  });
});

describe('lab store', () => {
  it('keeps the status from replies and events; errors say what to do', async () => {
    const api = new FakeApi()
      .handle('lab:get-status', () => labStatus())
      .handle('app:get-info', () => ({ name: 'faultline', version: '0', versions: {}, mode: 'browser' }))
      .handle('lab:start', () => labStatus({ running: true }))
      .handle('client:join', () => {
        throw new IpcError('uid 9 is not a participant of this lab', 'BAD_REQUEST');
      });
    const lab = useLabStore();
    await lab.init(fakeConnection(api));
    expect(lab.running).toBe(false);
    await lab.start({ server: { kind: 'embedded' } });
    expect(lab.running).toBe(true);
    api.emit(
      'lab:status',
      labStatus({ running: true, participants: [{ uid: 1, engine: 'wrtc', state: 'CONNECTED' }] }),
    );
    expect(lab.participants).toEqual([{ uid: 1, engine: 'wrtc', state: 'CONNECTED' }]);
    await lab.join(9);
    expect(lab.error).toBe(
      'Could not join uid 9: uid 9 is not a participant of this lab. Check the fields and try again.',
    );
    expect(lab.busy).toBeNull();
    expect(lab.running).toBe(true);
  });

  it('applyFault sends the request and returns the id', async () => {
    const api = new FakeApi()
      .handle('lab:get-status', () => labStatus())
      .handle('app:get-info', () => ({ name: 'f', version: '0', versions: {}, mode: 'browser' }))
      .handle('fault:apply', () => ({ id: 'f3', status: labStatus({ running: true }) }));
    const lab = useLabStore();
    await lab.init(fakeConnection(api));
    expect(await lab.applyFault(1, { kind: 'loss', pct: 20, direction: 'up' })).toBe('f3');
    expect(api.calls.at(-1)).toEqual({
      channel: 'fault:apply',
      request: { uid: 1, fault: { kind: 'loss', pct: 20, direction: 'up' } },
    });
  });
});

describe('ui store', () => {
  it('persists theme and vocabulary; the time range ignores empty ranges', () => {
    const ui = useUiStore();
    expect(ui.theme).toBe('dark');
    ui.toggleTheme();
    expect(localStorage.getItem('faultline.theme')).toBe('light');
    expect(document.documentElement.dataset['theme']).toBe('light');
    ui.setVocabulary('legacy');
    setActivePinia(createPinia());
    const again = useUiStore();
    expect(again.theme).toBe('light');
    expect(again.vocabulary).toBe('legacy');
    again.setTimeRange({ min: 5, max: 5 });
    expect(again.timeRange).toBeNull();
    again.setTimeRange({ min: 5, max: 50 });
    expect(again.timeRange).toEqual({ min: 5, max: 50 });
    again.select(7, 123);
    expect([again.selectedSeq, again.selectedT]).toEqual([7, 123]);
  });
});

describe('scenario store', () => {
  it('tracks progress and judges the trace with checkTrace when the run is done', async () => {
    const scenario = {
      name: 'seed',
      expect: [
        { observer: 2, event: 'user-unpublished', peer: 1, afterFault: 0, withinMs: [9000, 12_000] },
        { observer: 2, event: 'user-left', peer: 1, afterFault: 0, withinMs: [1000, 2000] },
      ],
    };
    const api = new FakeApi()
      .handle('scenario:list', () => [{ name: 'seed-ng', description: 'd', profile: 'ng' }])
      .handle('scenario:run', () => ({ runId: 'r1' }));
    const store = useScenarioStore();
    await store.init(fakeConnection(api));
    expect(store.list.map((s) => s.name)).toEqual(['seed-ng']);
    await store.runBuiltIn('seed-ng', 0.1);
    expect(api.calls.at(-1)).toEqual({
      channel: 'scenario:run',
      request: { scenario: { name: 'seed-ng' }, timeScale: 0.1 },
    });
    api.emit('scenario:progress', { runId: 'r1', step: 3, steps: 7, label: 'fault' });
    expect(store.run).toMatchObject({ step: 3, steps: 7, phase: 'running', scenario: 'seed-ng' });

    useTraceStore().load(header({ scenario }), seedTrace().list);
    api.emit('scenario:done', { runId: 'r1', ok: true, aborted: false, errors: [] });
    expect(store.run?.phase).toBe('done');
    expect(store.report?.expectations.map((e) => e.verdict)).toEqual(['pass', 'fail']);
    expect(store.report?.ok).toBe(false);
    expect(store.report?.findings.faults[0]?.clients[0]?.detection?.ms).toBe(4500);

    useUiStore().setVocabulary('legacy');
    await Promise.resolve();
    expect(store.report?.vocabulary).toBe('legacy');

    // Another trace starts (a new lab): the old verdict must not be shown for it.
    useTraceStore().load(header({ startedAt: '2026-11-22T09:00:00.000Z' }), []);
    await nextTick();
    expect(store.report).toBeNull();
    store.dispose();
  });
});
