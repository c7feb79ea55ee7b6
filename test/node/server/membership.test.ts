import { afterEach, describe, expect, it } from 'vitest';
import { startServer, sleep, type Fixture } from './helpers/server';
import { TestClient } from './helpers/ws-client';

let fx: Fixture;
afterEach(async () => {
  await fx?.dispose();
});

describe('channel membership', () => {
  it('joins, lists members with published kinds, and tells others user-joined / user-left Quit', async () => {
    fx = await startServer();
    const a = await fx.join('room', 1);
    expect(a.joined).toMatchObject({
      uid: 1,
      resumed: false,
      members: [],
      config: { heartbeatTimeoutMs: 20000, timeScale: 0.05 },
    });
    expect(a.joined.id).toBe('j');
    a.client.send({ type: 'publish', kinds: ['audio'] });
    await a.client.ping();
    const b = await fx.join('room', 2);
    expect(b.joined.members).toEqual([{ uid: 1, published: ['audio'] }]);
    await a.client.next('user-joined', (m) => m.uid === 2);
    expect(fx.server.members('room')).toEqual([
      { uid: 1, published: ['audio'], connected: true },
      { uid: 2, published: [], connected: true },
    ]);
    b.client.send({ type: 'leave' });
    const left = await a.client.next('user-left');
    expect(left).toEqual({ type: 'user-left', uid: 2, reason: 'Quit' });
    // The socket stays open but is no longer joined.
    b.client.send({ type: 'publish', id: 'p', kinds: ['video'] });
    expect(await b.client.next('error')).toMatchObject({ code: 'NOT_JOINED', id: 'p' });
    expect(fx.server.members('room').map((m) => m.uid)).toEqual([1]);
  });

  it('keeps a member whose socket closed until the heartbeat timeout, then user-left ServerTimeOut', async () => {
    fx = await startServer();
    const a = await fx.join('room', 1);
    const keepAlive = setInterval(() => a.client.send({ type: 'ping', ts: 0 }), 100);
    const b = await fx.join('room', 2);
    const t0 = performance.now();
    b.client.close();
    await a.client.until(
      () => fx.server.members('room').some((m) => m.uid === 2 && !m.connected),
      2000,
      'disconnect',
    );
    const left = await a.client.next('user-left', () => true, 5000).finally(() => clearInterval(keepAlive));
    const elapsed = performance.now() - t0;
    expect(left).toEqual({ type: 'user-left', uid: 2, reason: 'ServerTimeOut' });
    // heartbeatTimeoutMs 20 000 × 0.05 = 1000 ms after the last message.
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(4000);
  });

  it('removes a silent member even while its socket stays open', async () => {
    fx = await startServer();
    const a = await fx.join('room', 1);
    const b = await fx.join('room', 2);
    const keepAlive = setInterval(() => a.client.send({ type: 'ping', ts: 0 }), 100);
    try {
      await a.client.next('user-left', (m) => m.uid === 2 && m.reason === 'ServerTimeOut', 5000);
    } finally {
      clearInterval(keepAlive);
    }
    expect(fx.server.members('room').map((m) => m.uid)).toEqual([1]);
    b.client.send({ type: 'publish', kinds: ['audio'] });
    expect(await b.client.next('error')).toMatchObject({ code: 'NOT_JOINED' });
  });

  it('resume inside the window rebinds silently; after removal it is a fresh join', async () => {
    fx = await startServer();
    const a = await fx.join('room', 1);
    const keepAlive = setInterval(() => a.client.send({ type: 'ping', ts: 0 }), 100);
    try {
      const b = await fx.join('room', 2);
      b.client.close();
      await sleep(300);
      const before = a.client.received.length;
      const b2 = await fx.join('room', 2, { resume: b.joined.resume });
      expect(b2.joined).toMatchObject({
        resumed: true,
        resume: b.joined.resume,
        members: [{ uid: 1, published: [] }],
      });
      await sleep(200);
      const seen = a.client.received.slice(before).map((r) => r.msg.type);
      expect(seen.filter((t) => t !== 'pong')).toEqual([]);
      expect(fx.server.members('room').find((m) => m.uid === 2)).toMatchObject({ connected: true });

      // Now let it time out, then resume: others see user-joined again.
      b2.client.close();
      await a.client.next('user-left', (m) => m.uid === 2 && m.reason === 'ServerTimeOut', 5000);
      const from = a.client.received.length;
      const b3 = await fx.join('room', 2, { resume: b.joined.resume });
      expect(b3.joined.resumed).toBe(false);
      expect(b3.joined.resume).not.toBe(b.joined.resume);
      await a.client.next('user-joined', (m) => m.uid === 2, 2000, from);
      b3.client.send({ type: 'publish', kinds: ['audio'] });
      await a.client.next('user-published', (m) => m.uid === 2, 2000, from);
    } finally {
      clearInterval(keepAlive);
    }
  });

  it('a resume on a new socket closes the older socket with 4003 and no kicked message', async () => {
    fx = await startServer();
    const b = await fx.join('room', 2);
    const b2 = await fx.join('room', 2, { resume: b.joined.resume });
    expect(b2.joined.resumed).toBe(true);
    expect((await b.client.closed()).code).toBe(4003);
    expect(b.client.all('kicked')).toEqual([]);
    await b2.client.ping();
  });

  it('a second login of a present UID kicks the older socket (SAME_UID_LOGIN, 4003)', async () => {
    fx = await startServer();
    const a = await fx.join('room', 1);
    const old = await fx.join('room', 2);
    old.client.send({ type: 'publish', kinds: ['video'] });
    await a.client.next('user-published', (m) => m.uid === 2);
    const from = a.client.received.length;
    const fresh = await fx.join('room', 2);
    expect(await old.client.next('kicked')).toEqual({ type: 'kicked', reason: 'SAME_UID_LOGIN' });
    expect((await old.client.closed()).code).toBe(4003);
    expect(fresh.joined.resumed).toBe(false);
    await a.client.next('user-unpublished', (m) => m.uid === 2 && m.reason === 'unpublish', 2000, from);
    await a.client.ping();
    expect(a.client.received.slice(from).map((r) => r.msg.type)).not.toContain('user-left');
    // The old resume secret no longer works: it is a fresh login that kicks the newer one.
    expect(fresh.joined.resume).not.toBe(old.joined.resume);
  });

  it('ban uid kicks with UID_BANNED / 4002 and refuses later joins', async () => {
    fx = await startServer();
    const a = await fx.join('room', 1);
    const b = await fx.join('room', 2);
    fx.server.banUid('room', 2);
    expect(await b.client.next('kicked')).toEqual({ type: 'kicked', reason: 'UID_BANNED' });
    expect((await b.client.closed()).code).toBe(4002);
    expect(await a.client.next('user-left')).toMatchObject({ uid: 2, reason: 'Quit' });
    const again = await fx.connect();
    again.send({ type: 'join', id: 'x', channel: 'room', uid: 2, token: fx.token('room', 2) });
    expect(await again.next('error')).toMatchObject({ code: 'UID_BANNED', id: 'x' });
    // Other UIDs and channels are unaffected.
    await fx.join('room', 3);
    await fx.join('other', 2);
  });

  it('ban channel kicks everyone with CHANNEL_BANNED and refuses joins to it', async () => {
    fx = await startServer();
    const a = await fx.join('room', 1);
    const b = await fx.join('room', 2);
    fx.server.banChannel('room');
    for (const c of [a.client, b.client]) {
      expect(await c.next('kicked')).toEqual({ type: 'kicked', reason: 'CHANNEL_BANNED' });
      expect((await c.closed()).code).toBe(4002);
    }
    const again = await fx.connect();
    again.send({ type: 'join', channel: 'room', uid: 3, token: fx.token('room', 3) });
    expect(await again.next('error')).toMatchObject({ code: 'CHANNEL_BANNED' });
    expect(fx.server.members('room')).toEqual([]);
  });

  it('expire token kicks with TOKEN_EXPIRE and refuses that token, not a new one', async () => {
    fx = await startServer();
    const token = fx.token('room', 2);
    const b = await fx.join('room', 2, { token });
    fx.server.expireToken('room', 2);
    expect(await b.client.next('kicked')).toEqual({ type: 'kicked', reason: 'TOKEN_EXPIRE' });
    expect((await b.client.closed()).code).toBe(4002);
    const again = await fx.connect();
    again.send({ type: 'join', channel: 'room', uid: 2, token, resume: b.joined.resume });
    expect(await again.next('error')).toMatchObject({ code: 'TOKEN_EXPIRE' });
    expect((await again.closed()).code).toBe(4001);
    const renewed = await fx.join('room', 2, { token: fx.token('room', 2, 7200) });
    expect(renewed.joined.resumed).toBe(false);
  });

  it('refuses joins with SERVER_ERROR while not accepting, and accepts again afterwards', async () => {
    fx = await startServer();
    const a = await fx.join('room', 1);
    fx.server.setAcceptingJoins(false);
    const c = await fx.connect();
    c.send({ type: 'join', id: 'q', channel: 'room', uid: 2, token: fx.token('room', 2) });
    expect(await c.next('error')).toMatchObject({ code: 'SERVER_ERROR', id: 'q' });
    await a.client.ping();
    fx.server.setAcceptingJoins(true);
    c.send({ type: 'join', id: 'r', channel: 'room', uid: 2, token: fx.token('room', 2) });
    expect(await c.next('joined')).toMatchObject({ id: 'r', uid: 2 });
  });

  it('bad tokens get INVALID_TOKEN / TOKEN_EXPIRE and close 4001', async () => {
    fx = await startServer();
    const cases: Array<[string, string, string]> = [
      ['garbage', 'nope', 'INVALID_TOKEN'],
      ['other uid', fx.token('room', 9), 'INVALID_TOKEN'],
      ['other channel', fx.token('hall', 5), 'INVALID_TOKEN'],
      ['expired', fx.token('room', 5, -10), 'TOKEN_EXPIRE'],
    ];
    for (const [, token, code] of cases) {
      const c = await fx.connect();
      c.send({ type: 'join', id: 'k', channel: 'room', uid: 5, token });
      expect(await c.next('error')).toMatchObject({ code, id: 'k' });
      expect((await c.closed()).code).toBe(4001);
    }
    expect(fx.events.filter((e) => e.type === 'refused')).toHaveLength(cases.length);
  });

  it('auth none accepts any token', async () => {
    fx = await startServer({ secret: null });
    const { joined } = await fx.join('room', 1, { token: 'anything' });
    expect(joined.uid).toBe(1);
    expect(fx.events.some((e) => e.level === 'warn' && /auth "none"/.test(e.message))).toBe(true);
  });

  it('audience members are invisible to others and cannot publish', async () => {
    fx = await startServer();
    const host = await fx.join('room', 1);
    const viewer = await fx.join('room', 50, { token: fx.token('room', 50, 3600, 'audience') });
    expect(viewer.joined.members).toEqual([{ uid: 1, published: [] }]);
    viewer.client.send({ type: 'publish', id: 'p', kinds: ['video'] });
    expect(await viewer.client.next('error')).toMatchObject({ code: 'BAD_REQUEST', id: 'p' });
    viewer.client.send({ type: 'leave' });
    await host.client.ping();
    await sleep(50);
    expect(host.client.received.map((r) => r.msg.type).filter((t) => t !== 'pong')).toEqual(['joined']);
  });
});

describe('tokens on a live membership', () => {
  it('warns token-will-expire before exp and kicks TOKEN_EXPIRE at exp', async () => {
    fx = await startServer();
    // exp 3 s ahead (whole seconds), warning 30 000 × 0.05 = 1500 ms before it.
    const expS = Math.floor(Date.now() / 1000) + 3;
    const token = fx.token('room', 1, expS - Math.floor(Date.now() / 1000));
    const a = await fx.join('room', 1, { token });
    const keepAlive = setInterval(() => a.client.send({ type: 'ping', ts: 0 }), 100);
    try {
      const warn = await a.client.next('token-will-expire', () => true, 5000);
      const warnedAt = Date.now();
      expect(warn.inMs).toBeGreaterThan(1000);
      expect(warn.inMs).toBeLessThanOrEqual(1500);
      expect(expS * 1000 - warnedAt).toBeGreaterThan(1000);
      expect(await a.client.next('kicked', () => true, 4000)).toEqual({
        type: 'kicked',
        reason: 'TOKEN_EXPIRE',
      });
      expect(Date.now()).toBeGreaterThanOrEqual(expS * 1000 - 20);
    } finally {
      clearInterval(keepAlive);
    }
  });

  it('renew-token replaces the token before it expires; a bad renewal is refused', async () => {
    fx = await startServer();
    const a = await fx.join('room', 1, { token: fx.token('room', 1, 2) });
    const keepAlive = setInterval(() => a.client.send({ type: 'ping', ts: 0 }), 100);
    try {
      await a.client.next('token-will-expire', () => true, 4000);
      a.client.send({ type: 'renew-token', id: 'bad', token: fx.token('room', 2, 60) });
      expect(await a.client.next('error', (m) => m.id === 'bad')).toMatchObject({ code: 'INVALID_TOKEN' });
      a.client.send({ type: 'renew-token', id: 'good', token: fx.token('room', 1, 60) });
      await sleep(2500);
      expect(a.client.all('kicked')).toEqual([]);
      expect(a.client.closeInfo).toBeNull();
      await a.client.ping();
    } finally {
      clearInterval(keepAlive);
    }
  });
});

describe('shutdown', () => {
  it('close() sends 4004 to every socket, joined or not, and stops accepting', async () => {
    fx = await startServer();
    const a = await fx.join('room', 1);
    const idle = await fx.connect();
    const url = fx.url;
    await fx.server.close();
    expect((await a.client.closed()).code).toBe(4004);
    expect((await idle.closed()).code).toBe(4004);
    await expect(TestClient.connect(url)).rejects.toThrow();
  });
});
