import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type Fixture } from './helpers/server';
import type { TestClient } from './helpers/ws-client';

let fx: Fixture;
let bystander: TestClient;

beforeEach(async () => {
  fx = await startServer();
  bystander = (await fx.join('room', 1)).client;
});
afterEach(async () => {
  await fx.dispose();
});

/** After each bad client, the other member still gets answers. */
async function bystanderStillServed(): Promise<void> {
  await bystander.ping();
  expect(bystander.closeInfo).toBeNull();
}

describe('bad input', () => {
  it.each([
    ['garbage JSON', '{not json'],
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"join"'],
    ['an unknown type', JSON.stringify({ type: 'dance' })],
    ['no type', JSON.stringify({ channel: 'room' })],
  ])('%s closes that socket with 4000', async (_name, frame) => {
    const bad = (await fx.join('room', 2)).client;
    bad.send(frame);
    expect((await bad.closed()).code).toBe(4000);
    await bystanderStillServed();
    expect(fx.events.some((e) => e.type === 'protocol-error' && e.closed)).toBe(true);
  });

  it('a binary frame closes with 4000', async () => {
    const bad = await fx.connect();
    bad.send(Buffer.from([1, 2, 3]));
    expect((await bad.closed()).code).toBe(4000);
    await bystanderStillServed();
  });

  it('a frame over 64 KiB closes with 4000', async () => {
    const bad = await fx.connect();
    bad.send(JSON.stringify({ type: 'ping', ts: 1, pad: 'x'.repeat(70 * 1024) }));
    const closed = await bad.closed();
    expect(closed.code).toBe(4000);
    expect(closed.reason).toMatch(/exceeds/);
    await bystanderStillServed();
  });

  it('a huge frame is refused by the WebSocket layer before it is buffered', async () => {
    const bad = await fx.connect();
    bad.send('x'.repeat(2 * 1024 * 1024));
    expect((await bad.closed()).code).toBe(1009);
    await bystanderStillServed();
  });

  it('a known type with bad fields gets BAD_REQUEST and keeps the socket', async () => {
    const client = (await fx.join('room', 2)).client;
    client.send({ type: 'publish', id: 'p1', kinds: ['smell'] });
    const error = await client.next('error');
    expect(error).toMatchObject({ code: 'BAD_REQUEST', id: 'p1' });
    expect(error.message).toMatch(/kinds/);
    client.send({ type: 'join', channel: '', uid: -4, token: 1 });
    expect(await client.next('error', (m) => m.id === undefined)).toMatchObject({ code: 'BAD_REQUEST' });
    await client.ping();
    await bystanderStillServed();
  });

  it('messages before join get NOT_JOINED and keep the socket; ping is answered', async () => {
    const early = await fx.connect();
    for (const msg of [
      { type: 'publish', id: 'a', kinds: ['audio'] },
      { type: 'leave', id: 'b' },
      { type: 'subscribe', id: 'c', peer: 1, kinds: ['video'] },
      { type: 'candidate', id: 'd', pc: 'pub', candidate: null },
    ]) {
      early.send(msg);
      expect(await early.next('error', (m) => m.id === msg.id)).toMatchObject({ code: 'NOT_JOINED' });
    }
    await early.ping();
    early.send({ type: 'join', id: 'j', channel: 'room', uid: 3, token: fx.token('room', 3) });
    await early.next('joined');
    await bystanderStillServed();
  });

  it('a second join on a joined socket and a subscribe to a missing peer get BAD_REQUEST', async () => {
    const client = (await fx.join('room', 2)).client;
    client.send({ type: 'join', id: 'again', channel: 'room', uid: 2, token: fx.token('room', 2) });
    expect(await client.next('error', (m) => m.id === 'again')).toMatchObject({ code: 'BAD_REQUEST' });
    client.send({ type: 'subscribe', id: 's', peer: 99, kinds: ['video'] });
    expect(await client.next('error', (m) => m.id === 's')).toMatchObject({ code: 'BAD_REQUEST' });
    client.send({ type: 'subscribe', id: 'self', peer: 2, kinds: ['video'] });
    expect(await client.next('error', (m) => m.id === 'self')).toMatchObject({ code: 'BAD_REQUEST' });
    await bystanderStillServed();
  });

  it('a socket that left and stays silent is closed after heartbeatTimeoutMs; a joined one is not', async () => {
    const client = (await fx.join('room', 2)).client;
    client.send({ type: 'leave' });
    const keepAlive = setInterval(() => bystander.send({ type: 'ping', ts: 0 }), 100);
    try {
      const t0 = performance.now();
      expect((await client.closed(4000)).code).toBe(1000);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(900);
      expect(bystander.closeInfo).toBeNull();
    } finally {
      clearInterval(keepAlive);
    }
  });

  it('a flood of garbage from many sockets leaves the server serving', async () => {
    const bad = await Promise.all(Array.from({ length: 10 }, () => fx.connect()));
    for (const [i, c] of bad.entries()) c.send(i % 2 ? '\u0000\u0001' : '{"type":');
    await Promise.all(bad.map((c) => c.closed()));
    await bystanderStillServed();
    const late = await fx.join('room', 4);
    expect(late.joined.members.map((m) => m.uid)).toEqual([1]);
  });
});

describe('media watchdog without media', () => {
  it('a published kind with no RTP becomes user-unpublished no-media after mediaTimeoutMs', async () => {
    const pub = await fx.join('room', 2);
    const keepAlive = setInterval(() => {
      pub.client.send({ type: 'ping', ts: 0 });
      bystander.send({ type: 'ping', ts: 0 });
    }, 100);
    try {
      pub.client.send({ type: 'publish', kinds: ['video'] });
      await bystander.next('user-published', (m) => m.uid === 2);
      const t0 = performance.now();
      const gone = await bystander.next('user-unpublished', (m) => m.uid === 2, 4000);
      expect(gone).toMatchObject({ kind: 'video', reason: 'no-media' });
      // mediaTimeoutMs 10 000 × 0.05 = 500 ms.
      expect(performance.now() - t0).toBeGreaterThanOrEqual(400);
      expect(fx.server.members('room').find((m) => m.uid === 2)?.published).toEqual([]);
    } finally {
      clearInterval(keepAlive);
    }
  });
});
