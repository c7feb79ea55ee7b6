import { flushPromises, mount } from '@vue/test-utils';
import { gzipSync, strToU8 } from 'fflate';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import ComparePanel from '../../src/renderer/src/components/ComparePanel.vue';
import ReplayPanel from '../../src/renderer/src/components/ReplayPanel.vue';
import { initStores, useTraceStore, useUiStore } from '../../src/renderer/src/stores';
import { openSupportBase64 } from '../../src/app/services/trace-files';
import type { FrameScheduler } from '../../src/shared/replay';
import { serializeTrace } from '../../src/shared/trace/serialize';
import { FakeApi, fakeConnection, header, labStatus, Records, seedTrace } from './helpers';

let pinia: Pinia;
beforeEach(() => {
  localStorage.clear();
  pinia = createPinia();
  setActivePinia(pinia);
});

/** Frames run by hand. */
class ManualFrames implements FrameScheduler {
  now = 0;
  private pending = new Map<number, (now: number) => void>();
  private next = 1;
  request(cb: (now: number) => void): number {
    this.pending.set(this.next, cb);
    return this.next++;
  }
  cancel(handle: number): void {
    this.pending.delete(handle);
  }
  step(ms: number): void {
    this.now += ms;
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const cb of due) cb(this.now);
  }
}

describe('ReplayPanel', () => {
  it('scrubs to a moment, shows every uid and peer view there, selects it, and plays at 16×', async () => {
    const trace = useTraceStore();
    trace.load(header(), seedTrace().list);
    const frames = new ManualFrames();
    const w = mount(ReplayPanel, { props: { frames }, global: { plugins: [pinia] } });
    await flushPromises();
    const ui = useUiStore();

    await w.get('[data-testid=replay-scrubber]').setValue('12000');
    const uids = w.get('[data-testid=replay-uids]');
    expect(uids.get('tr[data-uid="1"]').text()).toContain('RECONNECTING');
    expect(uids.get('tr[data-uid="1"]').text()).toContain('heartbeat timeout');
    expect(uids.get('tr[data-uid="2"]').text()).toContain('CONNECTED');
    expect(w.get('[data-testid=replay-faults]').text()).toContain('blackhole on 1 (f1)');
    expect(w.get('[data-testid=replay-peers]').text()).toContain('video');
    expect(ui.selectedT).toBe(12_000);
    expect(ui.selectedSeq).not.toBeNull();

    await w.get('[data-testid=replay-scrubber]').setValue('26000');
    expect(w.get('[data-testid=replay-peers]').text()).toContain('no peers');

    await w.get('[data-testid=replay-speed]').setValue('16');
    await w.get('[data-testid=replay-play]').trigger('click');
    expect(w.get('[data-testid=replay-play]').text()).toBe('Pause');
    frames.step(16);
    frames.step(250); // 4 s of trace time at 16×
    await flushPromises();
    expect(ui.selectedT).toBe(30_000);
    expect(w.get('[data-testid=replay-time]').text()).toBe('30.000 s');
    frames.step(1000); // runs past the end: stops there
    await flushPromises();
    expect(ui.selectedT).toBe(31_000);
    expect(w.get('[data-testid=replay-play]').text()).toBe('Play');
    expect(w.get('[data-testid=replay-uids]').text()).toContain('REJOIN_SUCCESS');
    w.unmount();
  });
});

describe('ReplayPanel receive rates', () => {
  it('shows what each observer was receiving and flags a published kind that is not arriving', async () => {
    const records = seedTrace();
    // UID 2 samples its sub PC each second: video flows, then stops when the fault starts at 5 s.
    const video = [0, 30, 60, 90, 90, 90];
    video.forEach((n, i) =>
      records.add({
        t: 2000 + 1000 * i,
        type: 'stats',
        uid: 2,
        raw: { sub: { fromPeers: { '1': { video: n } } } },
      }),
    );
    // In time order, numbered again (the store takes records in seq order).
    const list = [...records.list]
      .sort((a, b) => a.t - b.t || a.seq - b.seq)
      .map((r, i) => ({ ...r, seq: i + 1 }));
    useTraceStore().load(header(), list);
    const w = mount(ReplayPanel, { props: { frames: new ManualFrames() }, global: { plugins: [pinia] } });
    await flushPromises();

    await w.get('[data-testid=replay-scrubber]').setValue('4500');
    const flowing = w.get('[data-testid=replay-peers] tr[data-observer="2"]');
    expect(flowing.text()).toContain('video 30');
    expect(flowing.find('[data-stalled]').exists()).toBe(false);

    await w.get('[data-testid=replay-scrubber]').setValue('6500');
    const stalled = w.get('[data-testid=replay-peers] tr[data-observer="2"]');
    expect(stalled.text()).toContain('video 0');
    expect(stalled.get('[data-stalled]').text()).toContain('video not arriving');

    // After the samples end the figure is stale: a dash, no warning.
    await w.get('[data-testid=replay-scrubber]').setValue('12000');
    expect(w.get('[data-testid=replay-peers] tr[data-observer="2"]').text()).toContain('—');
    w.unmount();
  });
});

describe('ComparePanel', () => {
  function slower(): Records {
    return new Records()
      .state(0, 1, 'DISCONNECTED', 'CONNECTING')
      .state(300, 1, 'CONNECTING', 'CONNECTED')
      .fault(8000, 'f1', 'start')
      .state(12_500, 1, 'CONNECTED', 'RECONNECTING')
      .fault(33_000, 'f1', 'end')
      .state(42_800, 1, 'RECONNECTING', 'CONNECTED');
  }

  async function pick(w: ReturnType<typeof mount>, name: string, bytes: Uint8Array): Promise<void> {
    const input = w.get('[data-testid=compare-file]');
    const file = new File([bytes as BlobPart], name);
    Object.defineProperty(input.element, 'files', { value: [file], configurable: true });
    await input.trigger('change');
    // Opening goes through main's opener (real gunzip and parsing): wait until it is over
    // rather than for a fixed number of ticks, which a busy machine once outran.
    await vi.waitFor(
      async () => {
        await flushPromises();
        expect(w.find('[data-testid=compare-progress]').exists()).toBe(false);
      },
      { timeout: 10_000, interval: 10 },
    );
  }

  it('reads a second .ndjson.gz, shows both names, the offset and "recovery 500 ms vs 9.8 s"', async () => {
    // B opens through main's opener (the real one), like the main Open: no parser in the page.
    const api = new FakeApi()
      .handle('lab:get-status', () => labStatus())
      .handle('app:get-info', () => ({ name: 'f', version: '0', versions: {}, mode: 'browser' }))
      .handle('trace:get-snapshot', () => ({ header: null, records: [] }))
      .handle('scenario:list', () => [])
      .handle('trace:open-bytes', (r) => openSupportBase64(r.name, r.base64));
    await initStores(fakeConnection(api));
    const trace = useTraceStore();
    trace.openFile({
      name: 'a.ndjson',
      header: header(),
      records: seedTrace().list,
      truncated: false,
      warnings: [],
    });
    const w = mount(ComparePanel, { global: { plugins: [pinia] } });
    await pick(w, 'b.ndjson.gz', gzipSync(strToU8(serializeTrace(header(), slower().list))));

    expect(w.get('[data-testid=compare-names]').text()).toBe('A: a.ndjson · B: b.ndjson.gz');
    expect(w.get('[data-testid=compare-offset]').text()).toContain('+3.00 s');
    const recovery = w.get('[data-testid=compare-rows] tr[data-metric=recovery]').text();
    expect(recovery).toContain('recovery 0.5 s vs 9.8 s');
    expect(w.get('[data-testid=compare-rows]').text()).toContain('reconnect-attempts');

    await pick(w, 'junk.ndjson', strToU8('not a trace\n'));
    expect(w.get('[data-testid=compare-error]').text()).toMatch(/junk\.ndjson \((WRONG_FORMAT|CORRUPT)\)/);
    expect(trace.source).toMatchObject({ kind: 'file', name: 'a.ndjson' });
    expect(api.calls.filter((c) => c.channel === 'trace:open-bytes')).toHaveLength(2);
  });
});
