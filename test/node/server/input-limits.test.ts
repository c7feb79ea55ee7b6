/**
 * The channel server's limits on what a network may send it (src/lab/server/limits.ts): the
 * join deadline, the per-socket rate limit, sampled input-error events, the per-address socket
 * cap, nothing read once a socket is closing, and the optional Origin allow-list. Each test is
 * the probe of the hardening review that found the hole, on a real server on loopback.
 */
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveLimits } from '../../../src/lab/server/limits';
import { InputErrorSampler } from '../../../src/lab/server/input-errors';
import { ServerEventHub, type ServerEvent } from '../../../src/lab/server/events';
import { TokenBucket } from '../../../src/lab/server/token-bucket';
import { FAST, startServer, waitFor, type Fixture } from './helpers/server';
import { TestClient } from './helpers/ws-client';

let fx: Fixture | null = null;
afterEach(async () => {
  await fx?.dispose();
  fx = null;
});

/** Opens a raw socket with extra handshake headers: 'open', or the HTTP status it was refused with. */
function handshake(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ result: 'open' | number; socket: WebSocket }> {
  const socket = new WebSocket(url, { headers });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ result: 'open', socket }));
    socket.once('unexpected-response', (_request, response) => {
      resolve({ result: response.statusCode ?? 0, socket });
      response.resume();
      socket.terminate();
    });
    socket.once('error', (error) => {
      if (socket.readyState !== WebSocket.CLOSED) reject(error);
    });
  });
}

const eventsOf = (type: ServerEvent['type']): ServerEvent[] =>
  fx!.events.filter((event) => event.type === type);

/** Frames the server accounted for: one by one (protocol-error events) plus in summaries. */
function reportedFrames(code: string): number {
  const single = fx!.events.filter((e) => e.type === 'protocol-error' && e.code === code).length;
  const summarized = fx!.events.reduce(
    (n, e) => n + (e.type === 'input-summary' ? (e.codes[code] ?? 0) : 0),
    0,
  );
  return single + summarized;
}

describe('an unjoined socket that floods the server', () => {
  it('is closed 4005 at the burst limit; the log gets a handful of events, not one per frame', async () => {
    fx = await startServer();
    const bystander = (await fx.join('room', 1)).client;
    const flood = await fx.connect();
    const FRAMES = 20_000;
    const started = performance.now();
    // The review's probe: 20,000 well-formed frames from a socket that never joins.
    for (let i = 0; i < FRAMES; i++) flood.send({ type: 'subscribe', peer: 1, kinds: ['audio'] });
    expect((await flood.closed(10_000)).code).toBe(4005);
    const elapsedS = (performance.now() - started) / 1000;
    // The frames the socket sent after its close are counted as dropped; the summary comes at the window's end.
    await waitFor(() => eventsOf('input-summary').length > 0, 5000, 'the input summary');
    const notJoined = flood.all('error').filter((m) => m.code === 'NOT_JOINED').length;
    // Before: 20,000 NOT_JOINED replies and 20,000 events (one log line each).
    // The bucket holds the burst and refills at the rate while the flood arrives: no more can pass.
    const { frameBurst, frameRate } = resolveLimits(FAST);
    expect(notJoined).toBeLessThanOrEqual(frameBurst + Math.ceil(frameRate * elapsedS));
    expect(notJoined).toBeGreaterThan(0);
    const individual = fx.events.filter((e) => e.type === 'protocol-error').length;
    expect(individual).toBeLessThanOrEqual(2); // the first NOT_JOINED, the 4005
    expect(fx.events.length).toBeLessThan(20);
    // Nothing is lost from the account: every NOT_JOINED is either an event or in a summary.
    expect(reportedFrames('NOT_JOINED')).toBe(notJoined);
    await bystander.ping();
  });

  it('a burst above the limit is refused even from a joined member, which others keep being served around', async () => {
    fx = await startServer({ limits: { frameBurst: 50, frameRate: 1 } });
    const bystander = (await fx.join('room', 1)).client;
    const noisy = (await fx.join('room', 2)).client;
    for (let i = 0; i < 200; i++) noisy.send({ type: 'ping', ts: i });
    expect((await noisy.closed()).code).toBe(4005);
    // The bucket started full: the first 49 pings after the join were answered, not more.
    expect(noisy.all('pong').length).toBeLessThanOrEqual(50);
    await bystander.ping();
    expect(bystander.closeInfo).toBeNull();
  });
});

describe('the join deadline', () => {
  it('closes unjoined sockets that keep pinging, and leaves joined ones alone', async () => {
    fx = await startServer(); // deadline = heartbeat timeout at this scale: 1 s
    const deadline = resolveLimits(FAST).joinDeadlineMs;
    const joined = (await fx.join('room', 1)).client;
    const idlers = await Promise.all(Array.from({ length: 30 }, () => fx!.connect()));
    const all = [joined, ...idlers];
    // Before: any well-formed frame reset the idle timer, so pinging kept 300 such sockets open.
    const keepAlive = setInterval(() => {
      for (const client of all) if (client.closeInfo === null) client.send({ type: 'ping', ts: 1 });
    }, deadline / 5);
    try {
      for (const idler of idlers) expect((await idler.closed(deadline * 10)).code).toBe(1000);
      expect(joined.closeInfo).toBeNull();
      await joined.ping();
      expect(fx.server.stats().joinDeadlines).toBe(1);
    } finally {
      clearInterval(keepAlive);
    }
  });

  it('starts again when a member leaves: the socket may rejoin within it, else it is closed', async () => {
    fx = await startServer();
    const { client } = await fx.join('room', 1);
    client.send({ type: 'leave' });
    await waitFor(
      () => eventsOf('member').some((e) => e.type === 'member' && e.event === 'left'),
      5000,
      'left',
    );
    client.send({ type: 'ping', ts: 2 });
    expect((await client.closed(resolveLimits(FAST).joinDeadlineMs * 10)).code).toBe(1000);
  });
});

describe('a socket whose session is closing', () => {
  it('has nothing read after its protocol error, not even a join in the same burst', async () => {
    fx = await startServer();
    const bad = await fx.connect();
    // One write, two frames: the bad one closes the socket 4000, the join behind it must be dropped.
    bad.send('{not json');
    bad.send({ type: 'join', id: 'j', channel: 'room', uid: 9, token: fx.token('room', 9) });
    expect((await bad.closed()).code).toBe(4000);
    await waitFor(() => fx!.server.stats().frames.received >= 2, 5000, 'both frames to arrive');
    expect(bad.all('joined')).toHaveLength(0);
    expect(fx.events.some((e) => e.type === 'member' && e.uid === 9)).toBe(false);
    expect(fx.server.stats().frames.dropped).toBeGreaterThanOrEqual(1);
  });
});

describe('the handshake', () => {
  it('refuses sockets over the per-address cap with HTTP 429, and admits again once one closed', async () => {
    fx = await startServer({ limits: { maxSocketsPerAddress: 3 } });
    const held = await Promise.all([fx.connect(), fx.connect(), fx.connect()]);
    const over = await handshake(fx.url);
    expect(over.result).toBe(429);
    held[0]!.close();
    await waitFor(() => fx!.server.stats().sessions === 2, 5000, 'the socket to close');
    await waitFor(() => fx!.server.stats().addresses === 1, 5000, 'the address count to drop');
    const again = await handshake(fx.url);
    expect(again.result).toBe('open');
    again.socket.terminate();
    expect(eventsOf('refused').some((e) => e.type === 'refused' && e.code === 'TOO_MANY_SOCKETS')).toBe(true);
  });

  it('checks Origin against the allow-list; a client without Origin is let through', async () => {
    fx = await startServer({ limits: { allowedOrigins: ['http://Desk.example:8080'] } });
    const evil = await handshake(fx.url, { Origin: 'http://evil.example' });
    expect(evil.result).toBe(403);
    const good = await handshake(fx.url, { Origin: 'http://desk.example:8080' });
    expect(good.result).toBe('open');
    good.socket.terminate();
    const tool = await TestClient.connect(fx.url);
    await tool.ping();
    tool.close();
    expect(eventsOf('refused').some((e) => e.type === 'refused' && e.code === 'ORIGIN_NOT_ALLOWED')).toBe(
      true,
    );
  });

  it('any origin is allowed by default', async () => {
    fx = await startServer();
    const page = await handshake(fx.url, { Origin: 'http://anything.example' });
    expect(page.result).toBe('open');
    page.socket.terminate();
  });
});

describe('input-error sampling', () => {
  it('many bad sockets at once: one event per socket at most, the rest in one summary, nothing uncounted', async () => {
    // A long join deadline: these sockets stay unjoined longer than the default 1 s at this scale.
    fx = await startServer({ limits: { errorEventsPerSecond: 5, joinDeadlineMs: 60_000 } });
    const SOCKETS = 20;
    const PER_SOCKET = 10;
    const bad = await Promise.all(Array.from({ length: SOCKETS }, () => fx!.connect()));
    for (const client of bad)
      for (let i = 0; i < PER_SOCKET; i++) client.send({ type: 'publish', kinds: [] });
    await waitFor(
      () => bad.every((client) => client.all('error').length === PER_SOCKET),
      10_000,
      'every BAD_REQUEST reply',
    );
    await waitFor(
      () => fx!.server.stats().pendingInputErrors === 0 && eventsOf('input-summary').length > 0,
      5000,
      'the window to end',
    );
    expect(fx.events.filter((e) => e.type === 'protocol-error').length).toBeLessThanOrEqual(5);
    expect(reportedFrames('BAD_REQUEST')).toBe(SOCKETS * PER_SOCKET);
    for (const client of bad) expect(client.closeInfo).toBeNull();
  });

  it('a summary names its one source, and a quiet window emits nothing', () => {
    const hub = new ServerEventHub();
    const seen: ServerEvent[] = [];
    hub.on((event) => seen.push(event));
    const sampler = new InputErrorSampler(hub, 10);
    const source = { key: 'session:7', label: 'session 7 (127.0.0.1:5)' };
    const event: ServerEvent = {
      type: 'protocol-error',
      level: 'warn',
      code: 'BAD_REQUEST',
      closed: false,
      message: 'x',
    };
    for (let i = 0; i < 4; i++) sampler.report(source, 'BAD_REQUEST', event);
    sampler.dropped(source, 'rate');
    sampler.flush();
    sampler.flush();
    expect(seen.map((e) => e.type)).toEqual(['protocol-error', 'input-summary']);
    const summary = seen[1] as Extract<ServerEvent, { type: 'input-summary' }>;
    expect(summary).toMatchObject({
      frames: 4,
      sockets: 1,
      source: source.label,
      codes: { BAD_REQUEST: 3, 'dropped-rate': 1 },
    });
    expect(summary.message).toMatch(/^4 bad frames from session 7/);
    sampler.dispose();
  });
});

describe('limits and the token bucket', () => {
  it('bad limits are refused naming the field; defaults follow the timing', () => {
    expect(() => resolveLimits(FAST, { frameRate: -1 })).toThrow(/frameRate/);
    expect(() => resolveLimits(FAST, { allowedOrigins: ['http://a.example/path'] })).toThrow(
      /allowedOrigins/,
    );
    expect(() => resolveLimits(FAST, { unknown: 1 } as never)).toThrow(/bad channel server limit/);
    expect(resolveLimits(FAST).joinDeadlineMs).toBe(FAST.heartbeatTimeoutMs * FAST.timeScale);
  });

  it('a bucket passes its burst at once, then its rate', () => {
    const bucket = new TokenBucket(10, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(bucket.take(50)).toBe(false); // half a token
    expect(bucket.take(100)).toBe(true); // one token after 100 ms at 10/s
    expect([bucket.take(10_000), bucket.take(10_000), bucket.take(10_000), bucket.take(10_000)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});
