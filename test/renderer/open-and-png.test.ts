/** Charts as PNG (Save PNG, and in an exported bundle), and opening a file with progress and Cancel. */
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IpcError, type InvokeRequest } from '../../src/shared/ipc';
import ExportDialog from '../../src/renderer/src/components/ExportDialog.vue';
import SwimlaneChart from '../../src/renderer/src/components/SwimlaneChart.vue';
import TraceFile from '../../src/renderer/src/components/TraceFile.vue';
import { chartFileName, chartPngDataUrl } from '../../src/renderer/src/charts/png';
import { initStores, useTraceStore, useUiStore } from '../../src/renderer/src/stores';
import { openInMain } from '../../src/renderer/src/trace/upload';
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

/** A real 1×1 PNG, as the page's canvas would give it. */
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

async function connected(setup: (api: FakeApi) => void = () => undefined): Promise<FakeApi> {
  const api = new FakeApi()
    .handle('lab:get-status', () => labStatus())
    .handle('app:get-info', () => ({ name: 'f', version: '0', versions: {}, mode: 'browser' }))
    .handle('trace:get-snapshot', () => ({ header: null, records: [] }))
    .handle('scenario:list', () => [])
    .handle('trace:open-cancel', () => ({ cancelled: true }));
  setup(api);
  await initStores(fakeConnection(api));
  return api;
}

describe('charts as PNG', () => {
  it('Save PNG draws the chart over the theme background and downloads <trace>-<chart>.png', async () => {
    await connected();
    useTraceStore().load(header(), seedTrace().list);
    useUiStore().setTheme('light');
    const w = mount(SwimlaneChart, { global: { plugins: [pinia] }, attachTo: document.body });
    await flushPromises();
    const fills: string[] = [];
    const fillRect = vi.spyOn(CanvasRenderingContext2D.prototype, 'fillRect').mockImplementation(function (
      this: CanvasRenderingContext2D,
    ) {
      fills.push(String(this.fillStyle));
    });
    const clicks: Array<{ href: string; download: string }> = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push({ href: this.href, download: this.download });
    });
    await w.get('[data-testid=chart-swimlanes-save-png]').trigger('click');
    expect(clicks).toHaveLength(1);
    expect(clicks[0]!.download).toBe('faultline-2026-01-01T00-00-00-000-swimlanes.png');
    expect(clicks[0]!.href).toMatch(/^data:image\/png/);
    expect(fillRect).toHaveBeenCalled();
    expect(fills).toContain('#ffffff');
    w.unmount();
  });

  it('names a PNG after an opened file, and gives a data URL for a bare canvas', () => {
    expect(chartFileName({ kind: 'file', name: 'case 7.ndjson.gz' }, header(), 'link-stats')).toBe(
      'case-7-link-stats.png',
    );
    expect(chartFileName({ kind: 'file', name: 'b-support.zip' }, null, 'reconnects')).toBe(
      'b-support-reconnects.png',
    );
    const canvas = document.createElement('canvas');
    canvas.width = 20;
    canvas.height = 10;
    expect(chartPngDataUrl(canvas, 'dark')).toMatch(/^data:image\/png/);
  });

  it('the Export dialog sends every rendered chart with a bundle', async () => {
    const api = await connected((a) =>
      a.handle('trace:export-bundle', () => ({ name: 'b-support.zip', base64: btoa('PK'), bytes: 2 })),
    );
    useTraceStore().load(header(), seedTrace().list);
    vi.spyOn(HTMLCanvasElement.prototype, 'toDataURL').mockReturnValue(`data:image/png;base64,${PNG_BASE64}`);
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    const chart = mount(SwimlaneChart, { global: { plugins: [pinia] }, attachTo: document.body });
    const canvas = chart.get('canvas').element as HTMLCanvasElement;
    canvas.width = 300;
    canvas.height = 150;
    const w = mount(ExportDialog, { global: { plugins: [pinia] } });
    expect(w.get('[data-testid=export-charts]').text()).toContain('charts/swimlanes.png');
    await w.get('[data-testid=export-run]').trigger('click');
    await flushPromises();
    const request = api.calls.find((c) => c.channel === 'trace:export-bundle')
      ?.request as InvokeRequest<'trace:export-bundle'>;
    expect(request.charts).toEqual([{ name: 'swimlanes', pngBase64: PNG_BASE64 }]);
    chart.unmount();
    w.unmount();
  });
});

describe('opening with progress and Cancel', () => {
  function pick(w: ReturnType<typeof mount>, name: string, text: string): Promise<void> {
    const input = w.get('[data-testid=trace-file-input]').element as HTMLInputElement;
    Object.defineProperty(input, 'files', { value: [new File([text], name)], configurable: true });
    return w.get('[data-testid=trace-file-input]').trigger('change');
  }

  async function until(check: () => boolean): Promise<void> {
    for (let i = 0; i < 50 && !check(); i++) {
      await flushPromises();
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(check()).toBe(true);
  }

  it('shows the bar as main reports progress, and Cancel aborts without replacing anything', async () => {
    let rejectOpen: ((e: unknown) => void) | null = null;
    const api = await connected((a) =>
      a.handle('trace:open-bytes', () => new Promise((_, reject) => (rejectOpen = reject))),
    );
    api.handle('trace:open-cancel', () => {
      rejectOpen?.(new IpcError('Opening the file was cancelled.', 'ABORTED', 'SupportOpenError'));
      return { cancelled: true };
    });
    const trace = useTraceStore();
    trace.load(header(), seedTrace().list);
    const w = mount(TraceFile, { global: { plugins: [pinia] } });
    await pick(w, 'big.ndjson', '{"format":"faultline-trace"}\n');
    await until(() => rejectOpen !== null);
    const request = api.calls.find((c) => c.channel === 'trace:open-bytes')?.request as { requestId: string };
    expect(request.requestId).toMatch(/^[A-Za-z0-9-]+$/);
    api.emit('trace:open-progress', { requestId: 'someone-else', phase: 'parsing', fraction: 0.9 });
    api.emit('trace:open-progress', { requestId: request.requestId, phase: 'parsing', fraction: 0.4 });
    await flushPromises();
    const bar = w.get('[data-testid=trace-open-bar]').element as HTMLProgressElement;
    expect(bar.getAttribute('data-phase')).toBe('parsing');
    expect(Number(bar.value)).toBeCloseTo(0.4);
    expect(w.get('[data-testid=trace-open-progress]').text()).toContain('Parsing big.ndjson');

    await w.get('[data-testid=trace-open-cancel]').trigger('click');
    await until(() => w.find('[data-testid=trace-open-progress]').exists() === false);
    expect(api.calls.find((c) => c.channel === 'trace:open-cancel')?.request).toEqual({
      requestId: request.requestId,
    });
    expect(w.get('[data-testid=trace-file-message]').text()).toBe(
      'Opening big.ndjson was cancelled; nothing was replaced.',
    );
    expect(w.find('[data-testid=trace-file-error]').exists()).toBe(false);
    expect(trace.source.kind).toBe('live');
    expect(trace.count).toBe(seedTrace().list.length);
  });

  it('sends a large file in ordered chunks and opens the upload', async () => {
    const chunks: Array<InvokeRequest<'trace:open-chunk'>> = [];
    const api = await connected((a) =>
      a
        .handle('trace:open-chunk', (r) => {
          chunks.push(r);
          return { received: r.offset + atob(r.base64).length };
        })
        .handle('trace:open-upload', (r) => ({
          name: r.name,
          kind: 'trace',
          header: header(),
          records: [],
          truncated: false,
          warnings: [],
        })),
    );
    const text = 'x'.repeat(10_000);
    const phases: string[] = [];
    const opened = await openInMain(api, new File([text], 'big.ndjson'), {
      chunkBytes: 3000,
      onProgress: (p) => phases.push(`${p.phase}:${p.fraction.toFixed(1)}`),
    });
    expect(opened.name).toBe('big.ndjson');
    expect(chunks.map((c) => c.offset)).toEqual([0, 3000, 6000, 9000]);
    expect(chunks.map((c) => atob(c.base64)).join('')).toBe(text);
    expect(new Set(chunks.map((c) => c.requestId)).size).toBe(1);
    expect(phases.at(-1)).toBe('uploading:1.0');

    const controller = new AbortController();
    controller.abort();
    await expect(
      openInMain(api, new File([text], 'c.ndjson'), { signal: controller.signal }),
    ).rejects.toMatchObject({
      code: 'ABORTED',
    });
    await expect(openInMain(api, new File([''], 'empty.ndjson'))).rejects.toMatchObject({ code: 'EMPTY' });
    await expect(openInMain(api, new File([text], 'huge.ndjson'), { maxBytes: 100 })).rejects.toMatchObject({
      code: 'TOO_LARGE',
    });
  });
});
