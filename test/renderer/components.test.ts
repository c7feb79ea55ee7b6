import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import App from '../../src/renderer/src/App.vue';
import FaultPanel from '../../src/renderer/src/components/FaultPanel.vue';
import PeerEventsChart from '../../src/renderer/src/components/PeerEventsChart.vue';
import SwimlaneChart from '../../src/renderer/src/components/SwimlaneChart.vue';
import { initStores, useLabStore, useTraceStore, useUiStore } from '../../src/renderer/src/stores';
import { FakeApi, fakeConnection, header, labStatus, Records, seedTrace } from './helpers';

let pinia: Pinia;
beforeEach(() => {
  localStorage.clear();
  pinia = createPinia();
  setActivePinia(pinia);
});

const running = labStatus({
  running: true,
  participants: [
    { uid: 1, engine: 'wrtc', state: 'CONNECTED' },
    { uid: 2, engine: 'wrtc', state: 'CONNECTED' },
  ],
  faults: [
    {
      id: 'f1',
      kind: 'blackhole',
      target: { uid: 1, path: 'all', direction: 'both' },
      params: {},
      startedAtT: 0,
      endsAtT: null,
    },
  ],
});

async function connected(): Promise<FakeApi> {
  const api = new FakeApi()
    .handle('lab:get-status', () => running)
    .handle('app:get-info', () => ({ name: 'f', version: '0', versions: {}, mode: 'browser' }))
    .handle('trace:get-snapshot', () => ({ header: null, records: [] }))
    .handle('scenario:list', () => [{ name: 'seed-ng', description: 'seed', profile: 'ng' }])
    .handle('fault:apply', () => ({ id: 'f2', status: running }))
    .handle('fault:clear', () => labStatus({ running: true }));
  await initStores(fakeConnection(api));
  return api;
}

describe('FaultPanel', () => {
  it('shows the schema message next to the field and sends nothing', async () => {
    const api = await connected();
    const w = mount(FaultPanel, { global: { plugins: [pinia] } });
    await w.get('[data-testid=fault-kind]').setValue('loss');
    await w.get('[data-testid=fault-pct]').setValue('120');
    await w.get('[data-testid=fault-form]').trigger('submit');
    expect(w.get('[data-testid=fault-error-pct]').text()).toBe('Loss (%): must be at most 100.');
    expect(w.get('[data-testid=fault-pct]').attributes('aria-invalid')).toBe('true');
    expect(api.calls.some((c) => c.channel === 'fault:apply')).toBe(false);

    await w.get('[data-testid=fault-pct]').setValue('20');
    await w.get('[data-testid=fault-form]').trigger('submit');
    await flushPromises();
    expect(api.calls.at(-1)).toEqual({
      channel: 'fault:apply',
      request: { uid: 1, fault: { kind: 'loss', pct: 20, path: 'media', direction: 'both' }, forMs: 10_000 },
    });
  });

  it('presets apply in one click; active faults list with a clear button', async () => {
    const api = await connected();
    const w = mount(FaultPanel, { global: { plugins: [pinia] } });
    await w.get('[data-testid=fault-uid]').setValue('2');
    await w.get('[data-testid=preset-wifi-25]').trigger('click');
    await flushPromises();
    expect(api.calls.at(-1)).toEqual({
      channel: 'fault:apply',
      request: { uid: 2, fault: { kind: 'blackhole', path: 'all', direction: 'both' }, forMs: 25_000 },
    });
    const active = w.get('[data-testid=active-faults]');
    expect(active.findAll('li[data-fault]')).toHaveLength(1);
    expect(active.text()).toContain('until cleared');
    await w.get('[data-testid=fault-clear-f1]').trigger('click');
    await flushPromises();
    expect(api.calls.at(-1)).toEqual({ channel: 'fault:clear', request: { id: 'f1' } });
    expect(w.get('[data-testid=active-faults]').findAll('li[data-fault]')).toHaveLength(0);
    w.unmount();
  });
});

describe('charts expose their data in the DOM', () => {
  it('swimlane segments and peer events per uid, in the chosen vocabulary', async () => {
    useTraceStore().load(header(), seedTrace().list);
    const lanes = mount(SwimlaneChart, { global: { plugins: [pinia] } });
    const peers = mount(PeerEventsChart, { global: { plugins: [pinia] } });
    const uid1 = lanes.get('[data-testid=swimlane-uid-1]').findAll('li');
    expect(uid1.map((li) => li.attributes('data-state'))).toEqual([
      'CONNECTING',
      'CONNECTED',
      'RECONNECTING',
      'CONNECTED',
    ]);
    expect(lanes.get('canvas').attributes('aria-label')).toMatch(/Connection state/);
    const events = peers.get('[data-testid=peer-events-uid-2]').findAll('li');
    expect(events.map((li) => li.attributes('data-event'))).toContain('user-left');
    expect(peers.get('[data-testid=threshold-lines]').findAll('li')).toHaveLength(2);

    useUiStore().setVocabulary('legacy');
    await flushPromises();
    expect(lanes.get('[data-testid=swimlane-uid-1]').findAll('li')[2]!.text()).toMatch(
      /^CONNECTING \(2\) from/,
    );
    expect(peers.get('[data-testid=peer-events-uid-2]').text()).toContain('peer-leave uid 1');
    // data-* attributes keep the stored (current) names for tools and tests.
    expect(peers.find('[data-event=user-left]').exists()).toBe(true);
    lanes.unmount();
    peers.unmount();
  });
});

describe('connection-state chart of an imported dump', () => {
  it('one lane per PC with its browser states next to none of the lab lanes, never "No connection states yet"', () => {
    const dump = header({
      env: { source: 'rtcstats', peerConnections: { '1': { id: 'PC_0', url: 'https://a.example.test/x' } } },
    });
    const records = new Records()
      .add({ t: 10, type: 'media', uid: 1, event: 'ice-state', value: 'checking' })
      .add({ t: 20, type: 'media', uid: 1, event: 'ice-state', value: 'connected' })
      .add({ t: 900, type: 'media', uid: 1, event: 'ice-state', value: 'disconnected' });
    useTraceStore().load(dump, records.list);
    const w = mount(SwimlaneChart, { global: { plugins: [pinia] } });
    const lane = w.get('[data-testid=swimlane-pc-1]');
    expect(lane.attributes('data-label')).toBe('PC PC_0 (a.example.test)');
    expect(lane.findAll('li').map((li) => li.attributes('data-state'))).toEqual([
      'checking',
      'connected',
      'disconnected',
    ]);
    expect(lane.findAll('li')[0]!.text()).toMatch(/^PC checking from/);
    expect(w.find('.chart-empty').exists()).toBe(false);
    expect(w.find('[data-testid^=swimlane-uid-]').exists()).toBe(false);
    w.unmount();
  });
});

describe('App', () => {
  it('renders the empty state, the transport status and switches theme', async () => {
    const api = new FakeApi()
      .handle('lab:get-status', () => labStatus())
      .handle('app:get-info', () => ({ name: 'f', version: '0', versions: {}, mode: 'browser' }))
      .handle('trace:get-snapshot', () => ({ header: null, records: [] }))
      .handle('scenario:list', () => []);
    const conn = fakeConnection(api);
    await initStores(conn);
    const w = mount(App, { global: { plugins: [pinia] } });
    await flushPromises();
    expect(w.get('[data-testid=empty-state]').text()).toContain('Start the lab or run a scenario');
    expect(w.get('[data-testid=connection-status]').attributes('data-state')).toBe('open');
    conn.setStatus({
      state: 'reconnecting',
      attempt: 2,
      retryAt: Date.now() + 3000,
      detail: 'connection dropped',
    });
    await flushPromises();
    expect(w.get('[data-testid=connection-status]').text()).toMatch(
      /connection lost — retrying in \d s \(attempt 2\)/,
    );
    await w.get('[data-testid=theme-toggle]').trigger('click');
    expect(document.documentElement.dataset['theme']).toBe('light');
    expect(useLabStore().running).toBe(false);
    w.unmount();
  });
});
