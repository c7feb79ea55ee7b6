/**
 * The desktop's "Open trace…" (native dialog, `trace:open`) shows the same progress bar and
 * Cancel as a picked or dropped file: the bar appears once main reports progress for the
 * request id, Cancel sends `trace:open-cancel`, and a cancelled open replaces nothing.
 */
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IpcError } from '../../src/shared/ipc';
import TraceFile from '../../src/renderer/src/components/TraceFile.vue';
import { initStores, useLabStore, useTraceStore } from '../../src/renderer/src/stores';
import { FakeApi, fakeConnection, header, labStatus, seedTrace } from './helpers';

let pinia: Pinia;
beforeEach(() => {
  localStorage.clear();
  pinia = createPinia();
  setActivePinia(pinia);
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Stores over a fake API, in the desktop app's mode unless `mode` says otherwise. */
async function connected(
  setup: (api: FakeApi) => void,
  mode: 'electron' | 'browser' = 'electron',
): Promise<FakeApi> {
  const api = new FakeApi()
    .handle('lab:get-status', () => labStatus())
    .handle('app:get-info', () => ({ name: 'f', version: '0', versions: {}, mode }))
    .handle('trace:get-snapshot', () => ({ header: null, records: [] }))
    .handle('scenario:list', () => [])
    .handle('recovery:list', () => [])
    .handle('trace:open-cancel', () => ({ cancelled: true }));
  setup(api);
  await initStores(fakeConnection(api));
  useLabStore().mode = mode;
  return api;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !check(); i++) {
    await flushPromises();
    await new Promise((r) => setTimeout(r, 5));
  }
  expect(check()).toBe(true);
}

/** The request ids of the `trace:open` calls so far. */
const openRequestIds = (api: FakeApi): Array<string | undefined> =>
  api.calls
    .filter((c) => c.channel === 'trace:open')
    .map((c) => (c.request as { requestId?: string }).requestId);

describe('Open trace… through the native dialog', () => {
  it('shows the bar once main reports progress, and Cancel sends trace:open-cancel', async () => {
    let rejectOpen: ((e: unknown) => void) | null = null;
    const api = await connected((a) =>
      a.handle('trace:open', () => new Promise((_, reject) => (rejectOpen = reject))),
    );
    api.handle('trace:open-cancel', () => {
      rejectOpen?.(new IpcError('Opening the file was cancelled.', 'ABORTED', 'SupportOpenError'));
      return { cancelled: true };
    });
    const trace = useTraceStore();
    trace.load(header(), seedTrace().list);
    const w = mount(TraceFile, { global: { plugins: [pinia] } });
    const pickerClick = vi.spyOn(HTMLInputElement.prototype, 'click');
    await w.get('[data-testid=trace-open]').trigger('click');
    await until(() => rejectOpen !== null);
    const [requestId] = openRequestIds(api);
    expect(requestId).toMatch(/^[A-Za-z0-9-]{1,64}$/);
    // The dialog is up: no bar yet.
    expect(w.find('[data-testid=trace-open-progress]').exists()).toBe(false);

    api.emit('trace:open-progress', { requestId: 'someone-else', phase: 'parsing', fraction: 0.9 });
    await flushPromises();
    expect(w.find('[data-testid=trace-open-progress]').exists()).toBe(false);
    api.emit('trace:open-progress', { requestId: requestId!, phase: 'parsing', fraction: 0.4 });
    await flushPromises();
    const bar = w.get('[data-testid=trace-open-bar]').element as HTMLProgressElement;
    expect(bar.getAttribute('data-phase')).toBe('parsing');
    expect(Number(bar.value)).toBeCloseTo(0.4);
    expect(w.get('[data-testid=trace-open-progress]').text()).toContain('Parsing the file');

    await w.get('[data-testid=trace-open-cancel]').trigger('click');
    await until(() => w.find('[data-testid=trace-open-progress]').exists() === false);
    expect(api.calls.filter((c) => c.channel === 'trace:open-cancel').map((c) => c.request)).toEqual([
      { requestId },
    ]);
    expect(w.get('[data-testid=trace-file-message]').text()).toBe(
      'Opening the file was cancelled; nothing was replaced.',
    );
    expect(w.find('[data-testid=trace-file-error]').exists()).toBe(false);
    expect(trace.source.kind).toBe('live');
    expect(trace.count).toBe(seedTrace().list.length);
    expect(pickerClick).not.toHaveBeenCalled();
    w.unmount();
  });

  it('says what was opened, and nothing when the dialog was dismissed', async () => {
    let choose = true;
    const api = await connected((a) =>
      a.handle('trace:open', async (r) => {
        if (!choose) return { opened: false };
        a.emit('trace:open-progress', { requestId: r.requestId!, phase: 'reading', fraction: 0.5 });
        a.emit('trace:opened', {
          name: 'case.ndjson',
          kind: 'trace',
          header: header(),
          records: seedTrace().list,
          truncated: false,
          warnings: [],
        });
        return { opened: true };
      }),
    );
    const w = mount(TraceFile, { global: { plugins: [pinia] } });
    await w.get('[data-testid=trace-open]').trigger('click');
    await until(() => w.find('[data-testid=trace-file-message]').exists());
    expect(w.get('[data-testid=trace-file-message]').text()).toBe(
      `Opened case.ndjson (trace, ${seedTrace().list.length} records).`,
    );
    expect(w.find('[data-testid=trace-open-progress]').exists()).toBe(false);
    expect(useTraceStore().source).toMatchObject({ kind: 'file', name: 'case.ndjson' });

    choose = false;
    await w.get('[data-testid=trace-open]').trigger('click');
    await until(() => openRequestIds(api).length === 2);
    await flushPromises();
    expect(w.find('[data-testid=trace-file-message]').exists()).toBe(false);
    expect(w.find('[data-testid=trace-file-error]').exists()).toBe(false);
    expect(new Set(openRequestIds(api)).size).toBe(2);
    w.unmount();
  });

  it('a failed open shows the code and what to do', async () => {
    await connected((a) =>
      a.handle('trace:open', () => {
        throw new IpcError('notes.txt is not a trace or bundle', 'WRONG_FORMAT', 'SupportOpenError');
      }),
    );
    const w = mount(TraceFile, { global: { plugins: [pinia] } });
    await w.get('[data-testid=trace-open]').trigger('click');
    await until(() => w.find('[data-testid=trace-file-error]').exists());
    expect(w.get('[data-testid=trace-file-error]').text()).toContain(
      'Could not open the file (WRONG_FORMAT): notes.txt is not a trace or bundle.',
    );
    w.unmount();
  });

  it('browser mode (NOT_SUPPORTED) falls back to the file picker with no bar', async () => {
    // Main answers NOT_SUPPORTED as browser mode does, while the page thinks it is the desktop app.
    await connected((a) =>
      a.handle('trace:open', () => {
        throw new IpcError('Native file dialogs exist only in the desktop app.', 'NOT_SUPPORTED');
      }),
    );
    const pickerClick = vi.spyOn(HTMLInputElement.prototype, 'click').mockImplementation(() => undefined);
    const w = mount(TraceFile, { global: { plugins: [pinia] } });
    await w.get('[data-testid=trace-open]').trigger('click');
    await until(() => pickerClick.mock.calls.length === 1);
    expect(w.find('[data-testid=trace-file-error]').exists()).toBe(false);
    expect(w.find('[data-testid=trace-file-message]').exists()).toBe(false);
    expect(w.find('[data-testid=trace-open-progress]').exists()).toBe(false);
    w.unmount();
  });
});

describe('the File menu', () => {
  it('File → Open trace… runs the same open, with a request id for the bar and Cancel', async () => {
    const api = await connected((a) => a.handle('trace:open', () => ({ opened: false })));
    mount(TraceFile, { global: { plugins: [pinia] } });
    api.emit('app:menu', { action: 'open-trace' });
    await until(() => openRequestIds(api).length === 1);
    expect(openRequestIds(api)[0]).toMatch(/^[A-Za-z0-9-]{1,64}$/);
    api.emit('app:menu', { action: 'open-trace' });
    await until(() => openRequestIds(api).length === 2);
  });

  it('File → Export trace… opens the Export dialog with its redaction preview', async () => {
    const api = await connected(() => undefined);
    useTraceStore().load(header(), seedTrace().list);
    const w = mount(TraceFile, { global: { plugins: [pinia] } });
    expect(w.find('[data-testid=export-dialog]').exists()).toBe(false);
    api.emit('app:menu', { action: 'export-trace' });
    await flushPromises();
    expect(w.find('[data-testid=export-dialog]').exists()).toBe(true);
  });
});
