/**
 * The transport-neutral dispatcher: channel allow-list, zod parse before any handler, envelope
 * out, never a throw.
 */
import { describe, expect, it, vi } from 'vitest';
import { INVOKE_CHANNELS } from '../../../src/shared/ipc';
import { createDispatcher, createHandlers, type Handlers } from '../../../src/app/ipc/handlers';
import { LabService } from '../../../src/app/services/lab-service';

function spies(): Handlers {
  const table = {} as Record<string, unknown>;
  for (const channel of INVOKE_CHANNELS) table[channel] = vi.fn(async () => ({ echoed: channel }));
  return table as unknown as Handlers;
}

describe('dispatch', () => {
  it('has one handler per invoke channel of the contract', () => {
    const service = new LabService({ mode: 'browser' });
    expect(Object.keys(createHandlers(service)).sort()).toEqual([...INVOKE_CHANNELS].sort());
    void service.dispose();
  });

  it('parses the request (defaults filled) before the handler runs', async () => {
    const handlers = spies();
    const dispatch = createDispatcher(handlers);
    expect(await dispatch('participant:add', { uid: 5 })).toEqual({
      ok: true,
      value: { echoed: 'participant:add' },
    });
    expect(handlers['participant:add']).toHaveBeenCalledWith({ uid: 5, autoSubscribe: true });
    // An empty request may come as undefined.
    expect((await dispatch('lab:get-status', undefined)).ok).toBe(true);
  });

  it.each([
    ['lab:start', { server: { kind: 'elsewhere' } }],
    ['lab:start', { server: { kind: 'remote', url: 'http://x', secret: null } }],
    ['client:join', { uid: -1 }],
    ['client:join', { uid: 1.5 }],
    ['client:join', 'uid=1'],
    ['client:publish', { uid: 1, kinds: [] }],
    ['fault:apply', { uid: 1, fault: { kind: 'meteor' } }],
    ['fault:apply', { uid: 1, fault: { kind: 'loss', pct: 400 } }],
    ['trace:add-mark', { label: '' }],
    ['lab:get-status', { extra: true }],
  ])('rejects a bad %s payload with BAD_REQUEST before the handler', async (channel, payload) => {
    const handlers = spies();
    const envelope = await createDispatcher(handlers)(channel, payload);
    expect(envelope).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', name: 'ValidationError' } });
    expect(handlers[channel as keyof Handlers]).not.toHaveBeenCalled();
  });

  it('rejects channels outside the contract', async () => {
    const dispatch = createDispatcher(spies());
    for (const channel of ['lab:explode', '__proto__', 'constructor', 42, null]) {
      expect(await dispatch(channel, {})).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
  });

  it('turns a throwing handler into an error envelope', async () => {
    const handlers = spies();
    handlers['lab:stop'] = () => {
      throw Object.assign(new Error('boom'), { code: 'LAB_ERROR' });
    };
    expect(await createDispatcher(handlers)('lab:stop', {})).toEqual({
      ok: false,
      error: { name: 'Error', message: 'boom', code: 'LAB_ERROR' },
    });
  });

  it('answers NOT_SUPPORTED for the file dialogs without a desktop shell', async () => {
    const service = new LabService({ mode: 'browser' });
    const dispatch = createDispatcher(createHandlers(service));
    expect(await dispatch('trace:export', {})).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } });
    expect(await dispatch('trace:open', {})).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } });
    expect(await dispatch('app:get-info', {})).toMatchObject({
      ok: true,
      value: { mode: 'browser', name: 'faultline' },
    });
    await service.dispose();
  });
});
