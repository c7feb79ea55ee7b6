/**
 * The lab-start form's confirmation step (issue 11 #13): a remote server that is not on this
 * machine is sent to the main process only after the person confirmed it, with
 * `allowRemote: true`; loopback servers and the embedded one start at once; Cancel sends nothing.
 */
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import LabControls from '../../src/renderer/src/components/LabControls.vue';
import { initStores } from '../../src/renderer/src/stores';
import { invokeContract } from '../../src/shared/ipc';
import { FakeApi, fakeConnection, labStatus } from './helpers';

let pinia: Pinia;
beforeEach(() => {
  localStorage.clear();
  pinia = createPinia();
  setActivePinia(pinia);
});

async function mounted() {
  const api = new FakeApi()
    .handle('lab:get-status', () => labStatus())
    .handle('app:get-info', () => ({ name: 'f', version: '0', versions: {}, mode: 'browser' }))
    .handle('trace:get-snapshot', () => ({ header: null, records: [] }))
    .handle('scenario:list', () => [])
    .handle('lab:start', () => labStatus({ running: true }));
  await initStores(fakeConnection(api));
  const w = mount(LabControls, { global: { plugins: [pinia] } });
  const starts = () => api.calls.filter((c) => c.channel === 'lab:start').map((c) => c.request);
  return { w, starts };
}

async function remote(w: Awaited<ReturnType<typeof mounted>>['w'], url: string): Promise<void> {
  await w.get('[data-testid=server-remote]').setValue(true);
  await w.get('[data-testid=server-url]').setValue(url);
  await w.get('[data-testid=lab-start-form]').trigger('submit');
  await flushPromises();
}

describe('starting the lab on a remote server', () => {
  it('asks before it sends a server that is not on this machine, and sends the confirmation', async () => {
    const { w, starts } = await mounted();
    await remote(w, 'ws://ops:pw@169.254.169.254/latest/meta-data/');
    expect(starts()).toEqual([]);
    const ask = w.get('[data-testid=server-remote-confirm]');
    expect(ask.attributes('role')).toBe('alertdialog');
    expect(ask.text()).toContain('ws://169.254.169.254/latest/meta-data/ is not on this machine');
    expect(ask.text()).not.toContain('pw@');
    expect(w.get('[data-testid=lab-start]').attributes('disabled')).toBeDefined();

    await w.get('[data-testid=server-remote-accept]').trigger('click');
    await flushPromises();
    expect(starts()).toHaveLength(1);
    const sent = invokeContract['lab:start'].request.parse(starts()[0]);
    expect(sent.server).toEqual({
      kind: 'remote',
      url: 'ws://ops:pw@169.254.169.254/latest/meta-data/',
      secret: null,
      allowRemote: true,
    });
  });

  it('sends nothing on Cancel, and asks again for a changed URL', async () => {
    const { w, starts } = await mounted();
    await remote(w, 'wss://sfu.example.com/v1/channel');
    await w.get('[data-testid=server-remote-cancel]').trigger('click');
    expect(w.find('[data-testid=server-remote-confirm]').exists()).toBe(false);
    expect(starts()).toEqual([]);

    await remote(w, 'ws://192.0.2.9:4800/v1/channel');
    expect(w.get('[data-testid=server-remote-confirm]').text()).toContain('ws://192.0.2.9:4800/v1/channel');
    await w.get('[data-testid=server-url]').setValue('ws://192.0.2.10:4800/v1/channel');
    expect(w.find('[data-testid=server-remote-confirm]').exists()).toBe(false);
    expect(starts()).toEqual([]);
  });

  it('starts a loopback server and the embedded one without asking, unconfirmed', async () => {
    const { w, starts } = await mounted();
    await remote(w, 'ws://127.0.0.1:4800/v1/channel');
    expect(w.find('[data-testid=server-remote-confirm]').exists()).toBe(false);
    expect(starts()).toEqual([
      expect.objectContaining({
        server: { kind: 'remote', url: 'ws://127.0.0.1:4800/v1/channel', secret: null, allowRemote: false },
      }),
    ]);
  });

  it('starts the embedded server without asking', async () => {
    const { w, starts } = await mounted();
    await w.get('[data-testid=lab-start-form]').trigger('submit');
    await flushPromises();
    expect(starts()).toEqual([expect.objectContaining({ server: { kind: 'embedded' } })]);
  });
});
