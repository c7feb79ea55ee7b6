/**
 * The dashboard says when the lab's own clock slipped: an expectation a stall decided shows as
 * unreliable (not pass or fail), the verdict reads UNRELIABLE, the stalls are listed in the
 * findings, and the scenario runner shows the scale warning the run sent before its timeline.
 */
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import FindingsPanel from '../../src/renderer/src/components/FindingsPanel.vue';
import ScenarioRunner from '../../src/renderer/src/components/ScenarioRunner.vue';
import { useTraceStore } from '../../src/renderer/src/stores';
import { useScenarioStore } from '../../src/renderer/src/stores/scenario';
import { FakeApi, fakeConnection, header, seedTrace } from './helpers';

const scenario = {
  name: 'seed',
  expect: [
    { uid: 1, state: 'RECONNECTING', afterFault: 0, withinMs: [1000, 8000] },
    { uid: 1, state: 'CONNECTED', afterFaultEnd: 0, withinMs: [0, 3000] },
  ],
};

beforeEach(() => setActivePinia(createPinia()));

describe('stalls on the dashboard', () => {
  it('marks what a stall overlaps unreliable and lists the stall', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    // The seed miniature at time scale 1: fault at 5 s, RECONNECTING at 9.5 s. A 1.5 s lab stall
    // ends at 9.4 s, inside the span that decided the first expectation (not the second's, after the fault).
    const records = seedTrace().list.map((r) => ({ ...r }));
    const at = records.findIndex((r) => r.t >= 9500);
    records.splice(at, 0, { seq: 0, t: 9400, type: 'stall', uid: null, source: 'lab', ms: 1500, cpuMs: 20 });
    records.forEach((r, i) => (r.seq = i + 1));
    useTraceStore().load(header({ scenario }), records);
    const store = useScenarioStore();
    store.check();
    const w = mount(FindingsPanel, { global: { plugins: [pinia] } });
    await flushPromises();
    expect(w.get('[data-testid=findings-verdict]').text()).toBe('UNRELIABLE');
    expect(w.get('[data-testid=findings-unreliable]').text()).toContain('1 expectation(s) unreliable');
    const items = w.findAll('[data-testid=findings-expectations] li');
    expect(items.map((li) => li.attributes('data-verdict'))).toEqual(['unreliable', 'pass']);
    expect(items[0]!.text()).toContain('the lab stalled 1500 ms (real) at t = 9.4 s');
    expect(items[0]!.text()).toContain('waiting for a CPU');
    const stalls = w.findAll('[data-testid=findings-stalls] li');
    expect(stalls).toHaveLength(1);
    expect(stalls[0]!.attributes('data-source')).toBe('lab');
    w.unmount();
  });

  it('shows the time-scale warning a run sends before its timeline', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    const api = new FakeApi()
      .handle('scenario:list', () => [{ name: 'seed-ng', description: 'd', profile: 'ng' }])
      .handle('scenario:run', () => ({ runId: 'r1' }));
    const store = useScenarioStore();
    await store.init(fakeConnection(api));
    const w = mount(ScenarioRunner, { global: { plugins: [pinia] } });
    await store.runBuiltIn('seed-ng', 0.1);
    await flushPromises();
    expect(w.find('[data-testid=scenario-scale-warning]').exists()).toBe(false);
    api.emit('scenario:assessment', {
      runId: 'r1',
      ok: false,
      timeScale: 0.1,
      safeScale: 0.3,
      worstStallMs: 310,
      message: 'time scale 0.1 is below what this machine can keep; the smallest safe scale here is 0.3',
    });
    await flushPromises();
    expect(w.get('[data-testid=scenario-scale-warning]').text()).toContain(
      'the smallest safe scale here is 0.3',
    );
    // Another run's assessment is not this one's.
    api.emit('scenario:assessment', {
      runId: 'r9',
      ok: true,
      timeScale: 1,
      safeScale: 0.1,
      worstStallMs: 5,
      message: '',
    });
    await flushPromises();
    expect(w.find('[data-testid=scenario-scale-warning]').exists()).toBe(true);
    w.unmount();
    store.dispose();
  });
});
