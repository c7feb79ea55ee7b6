/**
 * The dashboard's Diagnosis and Reproduce on a recorded lab run read blind (its faults and
 * scenario removed, as a customer's trace would come): the incidents are listed at the top of
 * Findings, a click zooms the charts and marks the evidence, and "Reproduce…" opens the suggested
 * scenario for editing, refuses invalid text with the validator's words, and runs the edited
 * scenario with the original handed to Compare.
 */
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import FindingsPanel from '../../src/renderer/src/components/FindingsPanel.vue';
import ReproduceButton from '../../src/renderer/src/components/ReproduceButton.vue';
import { useScenarioStore, useTraceStore, useUiStore } from '../../src/renderer/src/stores';
import { withoutInjectedFaults } from '../../src/shared/diagnose';
import { FakeApi, fakeConnection } from './helpers';
import { loadLabRun } from '../helpers/lab-runs';

const blind = () => withoutInjectedFaults(loadLabRun('short-drop'));

let pinia: ReturnType<typeof createPinia>;
beforeEach(() => {
  localStorage.clear();
  pinia = createPinia();
  setActivePinia(pinia);
});

describe('Diagnosis in Findings', () => {
  it('lists the incidents; a click zooms to one and marks its evidence', async () => {
    const trace = blind();
    useTraceStore().load(trace.header, trace.records);
    const w = mount(FindingsPanel, { global: { plugins: [pinia] } });
    await w.get('[data-testid="findings-check"]').trigger('click');
    expect(w.get('[data-testid="findings-verdict"]').text()).toBe('NO EXPECTATIONS');
    expect(w.get('[data-testid="diagnosis-verdict"]').text()).toMatch(/^no expectations; \d+ incidents$/);
    const items = w.findAll('[data-testid="diagnosis-incident"]');
    expect(items.length).toBeGreaterThan(0);
    const first = items[0]!;
    expect(first.attributes('data-kind')).toBe('interruption');
    expect(first.attributes('data-cause')).toBe('path-blackholed');
    await first.get('button').trigger('click');
    const ui = useUiStore();
    const incident = useScenarioStore().diagnosis!.incidents[0]!;
    const scale = trace.header.timeScale;
    expect(ui.timeRange!.min).toBeLessThanOrEqual(incident.start * scale);
    expect(ui.timeRange!.max).toBeGreaterThanOrEqual(incident.end! * scale);
    expect([...ui.evidence]).toEqual(incident.evidence);
    expect(ui.activeIncident).toBe(incident.id);
    expect(ui.selectedSeq).toBe(incident.evidence[0]);
    await w.get('[data-testid="diagnosis-clear"]').trigger('click');
    expect(ui.timeRange).toBeNull();
    expect(ui.evidence.size).toBe(0);
    expect(ui.activeIncident).toBeNull();
    w.unmount();
  });
});

describe('Reproduce a trace without a scenario', () => {
  it('opens the suggested scenario for editing, validates it, runs it and hands the original to Compare', async () => {
    const api = new FakeApi()
      .handle('scenario:list', () => [])
      .handle('scenario:run', () => ({ runId: 'r9' }));
    const scenarios = useScenarioStore();
    await scenarios.init(fakeConnection(api));
    const trace = blind();
    const store = useTraceStore();
    store.load(trace.header, trace.records);
    const w = mount(ReproduceButton, { global: { plugins: [pinia] }, attachTo: document.body });
    expect(w.find('[data-testid="trace-reproduce"]').exists()).toBe(false);
    await w.get('[data-testid="trace-reproduce-suggest"]').trigger('click');
    const plan = w.get('[data-testid="reproduction-plan"]').text();
    expect(plan).toMatch(/i1: blackhole on uid 1 at \d+\.\d s for \d+\.\d s/);
    const json = w.get('[data-testid="reproduction-json"]');
    const suggested = JSON.parse((json.element as HTMLTextAreaElement).value);
    expect(suggested.steps.filter((s: { do: string }) => s.do === 'fault')).toHaveLength(1);

    await json.setValue('{"name": "broken"}');
    await w.get('[data-testid="reproduction-run"]').trigger('click');
    expect(w.get('[data-testid="reproduction-problems"]').text()).toMatch(/participants/);
    expect(api.calls.some((c) => c.channel === 'scenario:run')).toBe(false);

    suggested.name = 'edited-reproduction';
    await json.setValue(JSON.stringify(suggested));
    await w.get('[data-testid="reproduction-time-scale"]').setValue('0.2');
    await w.get('[data-testid="reproduction-run"]').trigger('click');
    await flushPromises();
    const run = api.calls.find((c) => c.channel === 'scenario:run');
    expect(run?.request).toMatchObject({
      scenario: { inline: { name: 'edited-reproduction' } },
      timeScale: 0.2,
    });
    expect(store.compareTarget?.records).toHaveLength(trace.records.length);
    expect(w.find('[data-testid="reproduction-editor"]').exists()).toBe(false);
    w.unmount();
    scenarios.dispose();
  });

  it('a run started from an opened dump closes the editor for good: a later live trace does not bring it back', async () => {
    const live = { header: null as ReturnType<typeof blind>['header'] | null, records: [] as never[] };
    const api = new FakeApi()
      .handle('scenario:list', () => [])
      .handle('scenario:run', () => ({ runId: 'r9' }))
      .handle('trace:get-snapshot', () => live);
    const conn = fakeConnection(api);
    const scenarios = useScenarioStore();
    const store = useTraceStore();
    await Promise.all([scenarios.init(conn), store.init(conn)]);
    const dump = blind();
    api.emit('trace:opened', { name: 'dump.json', ...dump, truncated: false, warnings: [] });
    const w = mount(ReproduceButton, { global: { plugins: [pinia] }, attachTo: document.body });
    await w.get('[data-testid="trace-reproduce-suggest"]').trigger('click');
    await w.get('[data-testid="reproduction-run"]').trigger('click');
    await flushPromises();
    expect(api.calls.some((c) => c.channel === 'scenario:run')).toBe(true);
    expect(store.source.kind).toBe('live');
    // The live snapshot comes in two steps with a painted frame between them.
    await vi.waitFor(() => expect(store.loading).toBe(false));
    expect(w.find('[data-testid="reproduction-editor"]').exists()).toBe(false);

    // The lab starts a trace of its own, with no scenario in its header: Reproduce… is offered
    // again, but the editor stays closed until asked for.
    api.emit('trace:records', {
      header: { ...dump.header, startedAt: '2026-12-31T00:00:00.000Z', scenario: null },
      records: [],
    });
    store.flush();
    await flushPromises();
    expect(w.find('[data-testid="trace-reproduce-suggest"]').exists()).toBe(true);
    expect(w.find('[data-testid="reproduction-editor"]').exists()).toBe(false);
    w.unmount();
    store.dispose();
    scenarios.dispose();
  });
});
