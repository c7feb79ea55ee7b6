import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WsTransport, wireUrlFor, type SocketLike } from '../../src/renderer/src/api';
import { IpcError } from '../../src/shared/ipc';

/** A socket the test drives by hand: it records frames and fires the handlers on request. */
class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Array<Record<string, unknown>> = [];
  closed: { code?: number; reason?: string } | null = null;
  onopen: SocketLike['onopen'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  onmessage: SocketLike['onmessage'] = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
  reply(frame: unknown): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

describe('WsTransport', () => {
  let sockets: FakeSocket[];
  let transport: WsTransport;

  beforeEach(() => {
    vi.useFakeTimers();
    sockets = [];
    transport = new WsTransport({
      url: 'ws://127.0.0.1:9/ipc?token=abc',
      createSocket: (url) => {
        const s = new FakeSocket(url);
        sockets.push(s);
        return s;
      },
      timeoutMs: 1000,
      channelTimeoutsMs: {},
      backoff: { baseMs: 100, maxMs: 400 },
    });
  });

  afterEach(() => {
    transport.dispose();
    vi.useRealTimers();
  });

  it('builds the URL from the page location, token included', () => {
    expect(wireUrlFor({ protocol: 'http:', host: '127.0.0.1:5123', search: '?token=a%2Bb&x=1' })).toBe(
      'ws://127.0.0.1:5123/ipc?token=a%2Bb',
    );
    expect(wireUrlFor({ protocol: 'https:', host: 'h:1', search: '' })).toBe('wss://h:1/ipc?token=');
  });

  it('waits for the socket to open, then sends invoke frames with increasing ids', async () => {
    const a = transport.invoke('lab:get-status', {});
    const b = transport.invoke('client:join', { uid: 3 });
    expect(sockets[0]!.sent).toHaveLength(0);
    sockets[0]!.open();
    expect(sockets[0]!.sent).toEqual([
      { kind: 'invoke', id: 1, channel: 'lab:get-status', payload: {} },
      { kind: 'invoke', id: 2, channel: 'client:join', payload: { uid: 3 } },
    ]);
    sockets[0]!.reply({ kind: 'result', id: 2, ok: true, value: 'two' });
    sockets[0]!.reply({ kind: 'result', id: 1, ok: true, value: 'one' });
    await expect(a).resolves.toBe('one');
    await expect(b).resolves.toBe('two');
    expect(transport.pendingCount).toBe(0);
  });

  it('rejects with an IpcError carrying the remote code', async () => {
    sockets[0]!.open();
    const p = transport.invoke('fault:clear', { id: 'f1' });
    sockets[0]!.reply({
      kind: 'result',
      id: 1,
      ok: false,
      error: { name: 'LabError', message: 'no such fault', code: 'NOT_FOUND' },
    });
    const error = await p.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IpcError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'no such fault', remoteName: 'LabError' });
  });

  it('times out a request nobody answers and ignores a late answer', async () => {
    sockets[0]!.open();
    const p = transport.invoke('lab:get-status', {});
    vi.advanceTimersByTime(1001);
    await expect(p).rejects.toMatchObject({ code: 'TIMEOUT' });
    sockets[0]!.reply({ kind: 'result', id: 1, ok: true, value: 1 });
    expect(transport.pendingCount).toBe(0);
  });

  it('dispatches events to listeners until they unsubscribe; ignores malformed frames', () => {
    sockets[0]!.open();
    const seen: unknown[] = [];
    const off = transport.on('lab:status', (s) => seen.push(s));
    sockets[0]!.reply({ kind: 'event', channel: 'lab:status', payload: { running: true } });
    sockets[0]!.onmessage?.({ data: 'not json' });
    sockets[0]!.reply({ kind: 'nonsense' });
    off();
    sockets[0]!.reply({ kind: 'event', channel: 'lab:status', payload: { running: false } });
    expect(seen).toEqual([{ running: true }]);
  });

  it('fails in-flight requests when the socket drops and reconnects with backoff', async () => {
    const states: string[] = [];
    transport.onStatus((s) => states.push(`${s.state}:${s.attempt}`));
    sockets[0]!.open();
    const inflight = transport.invoke('lab:get-status', {});
    sockets[0]!.drop();
    await expect(inflight).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(transport.status.state).toBe('reconnecting');

    // Attempt 1 after 100 ms fails; attempt 2 waits 200 ms.
    vi.advanceTimersByTime(99);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    sockets[1]!.drop();
    vi.advanceTimersByTime(199);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);

    // A request made while down is sent once the new socket opens.
    const queued = transport.invoke('lab:get-status', {});
    sockets[2]!.open();
    expect(sockets[2]!.sent).toHaveLength(1);
    sockets[2]!.reply({ kind: 'result', id: sockets[2]!.sent[0]!['id'], ok: true, value: 'back' });
    await expect(queued).resolves.toBe('back');
    expect(states).toEqual(['open:0', 'reconnecting:1', 'reconnecting:2', 'open:0']);
  });

  it('caps the backoff', () => {
    sockets[0]!.drop();
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = transport.status;
      delays.push(s.retryAt! - Date.now());
      vi.advanceTimersByTime(s.retryAt! - Date.now());
      sockets[sockets.length - 1]!.drop();
    }
    expect(delays).toEqual([100, 200, 400, 400, 400]);
  });

  it('dispose closes the socket, fails pending requests and stops reconnecting', async () => {
    const p = transport.invoke('lab:get-status', {});
    transport.dispose();
    await expect(p).rejects.toMatchObject({ code: 'CLOSED' });
    expect(sockets[0]!.closed).toEqual({ code: 1000, reason: 'disposed' });
    vi.advanceTimersByTime(10_000);
    expect(sockets).toHaveLength(1);
    expect(transport.status.state).toBe('closed');
    await expect(transport.invoke('lab:get-status', {})).rejects.toBeInstanceOf(IpcError);
    expect(vi.getTimerCount()).toBe(0);
  });
});
