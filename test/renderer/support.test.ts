/** The support workflow in the dashboard: export dialog preview, open anything, recovery banner. */
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { IpcError } from '../../src/shared/ipc';
import type { TraceRecord } from '../../src/shared/trace/records';
import ExportDialog from '../../src/renderer/src/components/ExportDialog.vue';
import RecoveryBanner from '../../src/renderer/src/components/RecoveryBanner.vue';
import ComparePanel from '../../src/renderer/src/components/ComparePanel.vue';
import ReproduceButton from '../../src/renderer/src/components/ReproduceButton.vue';
import TraceFile from '../../src/renderer/src/components/TraceFile.vue';
import seedNg from '../../src/lab/scenario/library/seed-ng.json';
import { initStores, useTraceStore } from '../../src/renderer/src/stores';
import { FakeApi, fakeConnection, header, labStatus } from './helpers';

let pinia: Pinia;
beforeEach(() => {
  localStorage.clear();
  pinia = createPinia();
  setActivePinia(pinia);
});

const journals = [
  { id: 'j1', startedAt: '2026-03-04T05:06:07.000Z', records: 42, bytes: 1000, scenario: 'seed-ng' },
];

async function connected(setup: (api: FakeApi) => void = () => undefined): Promise<FakeApi> {
  const api = new FakeApi()
    .handle('lab:get-status', () => labStatus())
    .handle('app:get-info', () => ({ name: 'f', version: '0', versions: {}, mode: 'browser' }))
    .handle('trace:get-snapshot', () => ({ header: null, records: [] }))
    .handle('scenario:list', () => []);
  setup(api);
  await initStores(fakeConnection(api));
  return api;
}

const marks: TraceRecord[] = [
  { seq: 1, t: 10, type: 'mark', label: 'relay at 203.0.113.7 failed' } as TraceRecord,
  { seq: 2, t: 20, type: 'mark', label: 'again 203.0.113.7 and token=abcdefgh1234' } as TraceRecord,
];

describe('ExportDialog', () => {
  it('previews the redaction (counts and before → after) and follows the options', async () => {
    await connected();
    useTraceStore().load(header(), marks);
    const w = mount(ExportDialog, { global: { plugins: [pinia] } });
    expect((w.get('[data-testid=export-redact]').element as HTMLInputElement).checked).toBe(true);
    expect((w.get('[data-testid=export-format-bundle]').element as HTMLInputElement).checked).toBe(true);
    const counts = w.get('[data-testid=export-preview-counts]').text();
    expect(counts).toMatch(/2 addresses/);
    expect(counts).toMatch(/1 secrets/);
    const examples = w.get('[data-testid=export-preview-examples]').text();
    expect(examples).toContain('203.0.113.7 →');
    expect(examples).not.toMatch(/→ 203\.0\.113\.7/);

    await w.get('[data-testid=export-redact]').setValue(false);
    expect(w.get('[data-testid=export-preview-counts]').text()).toBe('Nothing to replace.');
    expect(w.find('[data-testid=export-unredacted]').exists()).toBe(true);

    await w.get('[data-testid=export-format-ndjson]').setValue(true);
    expect(w.find('[data-testid=export-preview]').exists()).toBe(false);
  });

  it('asks the main process for the bundle in browser mode with the chosen options', async () => {
    const api = await connected((a) =>
      a.handle('trace:export-bundle', () => ({ name: 'b-support.zip', base64: btoa('PK zip'), bytes: 6 })),
    );
    useTraceStore().load(header(), marks);
    const w = mount(ExportDialog, { global: { plugins: [pinia] } });
    await w.get('[data-testid=export-pseudonymize]').setValue(true);
    await w.get('[data-testid=export-run]').trigger('click');
    await flushPromises();
    expect(api.calls.find((c) => c.channel === 'trace:export-bundle')?.request).toEqual({
      redact: true,
      pseudonymizeIds: true,
    });
    expect(w.emitted('done')?.[0]?.[0]).toContain('b-support.zip');
    expect(w.emitted('close')).toBeTruthy();
  });

  it('says what happened when the export fails', async () => {
    await connected((a) =>
      a.handle('trace:export-bundle', () => {
        throw new IpcError('The bundle is too big', 'TOO_LARGE');
      }),
    );
    useTraceStore().load(header(), marks);
    const w = mount(ExportDialog, { global: { plugins: [pinia] } });
    await w.get('[data-testid=export-run]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid=export-error]').text()).toContain('Could not export: The bundle is too big.');
  });
});

describe('TraceFile', () => {
  function pick(w: ReturnType<typeof mount>, name: string, text: string): Promise<void> {
    const input = w.get('[data-testid=trace-file-input]').element as HTMLInputElement;
    const file = new File([text], name);
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    return w.get('[data-testid=trace-file-input]').trigger('change');
  }

  it('opens a picked file through trace:open-bytes and shows its kind and warnings', async () => {
    const api = await connected((a) =>
      a.handle('trace:open-bytes', (r) => ({
        name: r.name,
        kind: 'bundle',
        header: header(),
        records: marks,
        truncated: false,
        warnings: ['app.log was ignored'],
      })),
    );
    const w = mount(TraceFile, { global: { plugins: [pinia] } });
    await pick(w, 'case-1.zip', 'PK zip');
    await flushPromises();
    const call = api.calls.find((c) => c.channel === 'trace:open-bytes');
    expect(call?.request).toMatchObject({ name: 'case-1.zip', base64: btoa('PK zip') });
    expect(w.get('[data-testid=trace-source-kind]').text()).toBe('(support bundle)');
    expect(w.get('[data-testid=trace-warnings]').text()).toContain('app.log was ignored');
    expect(useTraceStore().count).toBe(2);
  });

  it('shows the typed code, the message and what to do', async () => {
    await connected((a) =>
      a.handle('trace:open-bytes', () => {
        throw new IpcError('notes.txt is not a trace or bundle', 'WRONG_FORMAT', 'SupportOpenError');
      }),
    );
    const w = mount(TraceFile, { global: { plugins: [pinia] } });
    await pick(w, 'notes.txt', 'hello');
    await flushPromises();
    const text = w.get('[data-testid=trace-file-error]').text();
    expect(text).toContain('Could not open notes.txt (WRONG_FORMAT): notes.txt is not a trace or bundle.');
    expect(text).toContain('Open a Faultline bundle (.zip)');
    expect(useTraceStore().source.kind).toBe('live');
  });
});

describe('RecoveryBanner', () => {
  it('offers the crashed session and opens it', async () => {
    const api = await connected((a) =>
      a.handle('recovery:list', () => journals).handle('recovery:open', (r) => ({ id: r.id, records: 42 })),
    );
    const w = mount(RecoveryBanner, { global: { plugins: [pinia] } });
    expect(w.get('[data-testid=recovery-text]').text()).toMatch(
      /^A session ended unexpectedly \(started .+, 42 records, scenario seed-ng\)\.$/,
    );
    await w.get('[data-testid=recovery-open]').trigger('click');
    await flushPromises();
    expect(api.calls.find((c) => c.channel === 'recovery:open')?.request).toEqual({ id: 'j1' });
    expect(w.find('[data-testid=recovery-banner]').exists()).toBe(false);
  });

  it('discards, dismisses, reports failures and stays away when there is nothing', async () => {
    const api = await connected((a) =>
      a
        .handle('recovery:list', () => journals)
        .handle('recovery:discard', () => {
          throw new IpcError('journal is gone', 'NOT_FOUND');
        }),
    );
    const w = mount(RecoveryBanner, { global: { plugins: [pinia] } });
    await w.get('[data-testid=recovery-discard]').trigger('click');
    await flushPromises();
    expect(api.calls.some((c) => c.channel === 'recovery:discard')).toBe(true);
    expect(w.get('[data-testid=recovery-error]').text()).toContain('journal is gone');
    await w.get('[data-testid=recovery-dismiss]').trigger('click');
    expect(w.find('[data-testid=recovery-banner]').exists()).toBe(false);

    setActivePinia((pinia = createPinia()));
    await connected(); // no recovery:list handler: the list fails quietly
    const none = mount(RecoveryBanner, { global: { plugins: [pinia] } });
    expect(none.find('[data-testid=recovery-banner]').exists()).toBe(false);
  });
});

describe('ReproduceButton', () => {
  it('shows only for a trace with a scenario, runs it inline and hands the old trace to Compare', async () => {
    const api = await connected((a) => a.handle('scenario:run', () => ({ runId: 'r2' })));
    const trace = useTraceStore();
    trace.load(header(), marks);
    const w = mount(ReproduceButton, { global: { plugins: [pinia] } });
    expect(w.find('[data-testid=trace-reproduce]').exists()).toBe(false);

    trace.load(header({ scenario: seedNg, timeScale: 0.5 }), marks);
    await flushPromises();
    const compare = mount(ComparePanel, { global: { plugins: [pinia] } });
    await w.get('[data-testid=trace-reproduce]').trigger('click');
    await flushPromises();
    const run = api.calls.find((c) => c.channel === 'scenario:run')?.request as {
      scenario: { inline: { name: string } };
      timeScale: number;
    };
    expect(run.scenario.inline.name).toBe('seed-ng');
    expect(run.timeScale).toBe(0.5);
    expect(trace.compareTarget?.records).toHaveLength(2);
    expect(compare.get('[data-testid=compare-names]').text()).toContain(
      'B: previous run (2026-01-01T00:00:00.000Z)',
    );
  });
});
