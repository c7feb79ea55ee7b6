/**
 * The connection manager against scripted servers (a bare `ws` server on loopback) for what a
 * well-behaved channel server never does: malformed frames, silence, refusals of rejoins,
 * failing rejoins with backoff — plus the same against the real server where it can.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import type { LabTiming } from '../../../src/shared';
import { makeClient, Records, startServer, testTiming, waitFor } from './helpers';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

type Handler = (ws: WebSocket, msg: Record<string, unknown>, n: { joins: number }) => void;

/** A scripted server: `handler` sees every parsed client message. */
async function scripted(
  handler: Handler,
): Promise<{ url: string; wss: WebSocketServer; sockets: Set<WebSocket> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const sockets = new Set<WebSocket>();
  const n = { joins: 0 };
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as Record<string, unknown>;
      if (msg.type === 'join') n.joins += 1;
      handler(ws, msg, n);
    });
  });
  cleanup.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.terminate();
        wss.close(() => r());
      }),
  );
  const port = (wss.address() as AddressInfo).port;
  return { url: `ws://127.0.0.1:${port}/v1/channel`, wss, sockets };
}

const joined = (id: unknown, timing: LabTiming) =>
  JSON.stringify({
    type: 'joined',
    id,
    uid: 1,
    resume: 'r1',
    members: [],
    config: {
      heartbeatIntervalMs: timing.heartbeatIntervalMs,
      heartbeatTimeoutMs: 20000,
      mediaTimeoutMs: 10000,
      timeScale: timing.timeScale,
    },
  });

describe('Client against scripted servers', () => {
  it('logs malformed server input and keeps working', async () => {
    const timing = testTiming();
    const { url } = await scripted((ws, msg) => {
      if (msg.type === 'join') {
        ws.send('{not json');
        ws.send(JSON.stringify({ type: 'user-joined', uid: 'seven' }));
        ws.send(JSON.stringify({ type: 'teleport' }));
        ws.send(Buffer.from([1, 2, 3]), { binary: true });
        ws.send(joined(msg.id, timing));
      }
      if (msg.type === 'ping')
        ws.send(JSON.stringify({ type: 'pong', ts: msg.ts, serverTs: Date.now(), id: msg.id }));
    });
    const records = new Records();
    const c = makeClient(url, 1, timing, records);
    cleanup.push(() => c.dispose());
    await c.join();
    expect(c.state).toBe('CONNECTED');
    const warnings = records.of('log', 1).map((r) => String(r.msg));
    expect(warnings.some((m) => m.includes('not JSON'))).toBe(true);
    expect(warnings.some((m) => m.includes('"user-joined"') && m.includes('uid'))).toBe(true);
    expect(warnings.some((m) => m.includes('"teleport"'))).toBe(true);
    expect(warnings.some((m) => m.includes('binary'))).toBe(true);
    // Malformed messages never become signal records.
    expect(
      records
        .of('signal', 1)
        .filter((r) => r.dir === 'rx')
        .map((r) => r.msg),
    ).toEqual(['joined']);
    expect(c.remotePeers().size).toBe(0);
  });

  it('a server that accepts the socket but never answers join → NETWORK_ERROR after joinTimeoutMs', async () => {
    const timing = testTiming();
    const { url } = await scripted(() => undefined);
    const records = new Records();
    const c = makeClient(url, 1, timing, records);
    cleanup.push(() => c.dispose());
    const t0 = performance.now();
    await expect(c.join()).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(900);
    expect(records.of('state', 1).at(-1)).toMatchObject({ reason: 'NETWORK_ERROR', cause: 'join-timeout' });
  });

  it('declares an interruption (heartbeat-timeout) when the server goes silent', async () => {
    const timing = testTiming();
    let answerPings = true;
    const { url } = await scripted((ws, msg) => {
      if (msg.type === 'join') ws.send(joined(msg.id, timing));
      if (msg.type === 'ping' && answerPings)
        ws.send(JSON.stringify({ type: 'pong', ts: msg.ts, serverTs: 0 }));
    });
    const records = new Records();
    const c = makeClient(url, 1, timing, records);
    cleanup.push(() => c.dispose());
    await c.join();
    await new Promise((r) => setTimeout(r, 600)); // > liveness (450 ms): pongs keep it alive
    expect(c.state).toBe('CONNECTED');
    answerPings = false;
    const t0 = performance.now();
    let interruptedAt = 0;
    c.onStateChange((_from, to) => {
      if (to === 'RECONNECTING' && !interruptedAt) interruptedAt = performance.now();
    });
    // The server still accepts sockets and joins, so the rejoin (with resume) succeeds at once.
    await waitFor(() => interruptedAt > 0, 3000, 'RECONNECTING');
    // liveness 450 ms (scaled) after the last pong, which came at most one interval (200 ms) before t0
    expect(interruptedAt - t0).toBeGreaterThanOrEqual(200);
    expect(records.of('state', 1).find((r) => r.to === 'RECONNECTING')).toMatchObject({
      cause: 'heartbeat-timeout',
    });
    answerPings = true;
    await waitFor(() => c.state === 'CONNECTED', 3000, 'CONNECTED again');
    expect(records.of('state', 1).find((r) => r.from === 'RECONNECTING')).toMatchObject({
      cause: 'REJOIN_SUCCESS',
    });
  });

  it('spaces failing rejoins with backoff and ends DISCONNECTED when a rejoin is refused for a ban', async () => {
    const timing = testTiming({ reconnect: { baseDelayMs: 1000, jitter: 0 } }); // 100, 200, 400 ms
    const { url, sockets } = await scripted((ws, msg, n) => {
      if (msg.type !== 'join') return;
      if (n.joins === 1) ws.send(joined(msg.id, timing));
      else if (n.joins <= 4)
        ws.send(JSON.stringify({ type: 'error', id: msg.id, code: 'SERVER_ERROR', message: 'busy' }));
      else ws.send(JSON.stringify({ type: 'error', id: msg.id, code: 'UID_BANNED', message: 'banned' }));
    });
    const records = new Records();
    const c = makeClient(url, 1, timing, records);
    cleanup.push(() => c.dispose());
    await c.join();
    expect(records.of('reconnect', 1)).toHaveLength(0);
    for (const s of sockets) s.terminate();
    await waitFor(() => c.state === 'DISCONNECTED', 5000, 'DISCONNECTED');
    expect(records.states(1).slice(-2)).toEqual([
      'CONNECTED>RECONNECTING',
      'RECONNECTING>DISCONNECTED:UID_BANNED',
    ]);
    const rec = records
      .of('reconnect', 1)
      .map(
        (r) =>
          `${String(r.attempt)}:${String(r.phase)}${r.delayMs !== undefined ? `:${String(r.delayMs)}` : ''}`,
      );
    expect(rec).toEqual([
      '1:scheduled:0',
      '1:start',
      '1:failure',
      '2:scheduled:100',
      '2:start',
      '2:failure',
      '3:scheduled:200',
      '3:start',
      '3:failure',
      '4:scheduled:400',
      '4:start',
      '4:failure',
    ]);
    expect(String(records.of('reconnect', 1).at(-1)?.error)).toMatch(/UID_BANNED/);
    // The resume token from the first joined went out with each rejoin (no way to see it in
    // records; the scripted server saw 5 joins).
  });

  it('a rejoin against the real server after a ban ends DISCONNECTED UID_BANNED', async () => {
    const timing = testTiming();
    let srv = await startServer(timing);
    cleanup.push(() => srv.server.close());
    const records = new Records();
    const c = makeClient(srv.url, 5, timing, records);
    cleanup.push(() => c.dispose());
    await c.join();
    await srv.server.close();
    await waitFor(() => c.state === 'RECONNECTING', 3000);
    const port = srv.port;
    srv = await startServer(timing, port);
    srv.server.banUid('room', 5);
    await waitFor(() => c.state === 'DISCONNECTED', 3000, 'DISCONNECTED');
    expect(records.states(5).at(-1)).toBe('RECONNECTING>DISCONNECTED:UID_BANNED');
  });

  it('renews its token when warned (token function) and the server keeps it', async () => {
    const timing = testTiming();
    const { url } = await scripted((ws, msg) => {
      if (msg.type === 'join') {
        ws.send(joined(msg.id, timing));
        ws.send(JSON.stringify({ type: 'token-will-expire', inMs: 3000 }));
      }
      if (msg.type === 'renew-token')
        ws.send(JSON.stringify({ type: 'pong', ts: 0, serverTs: 0, id: msg.id }));
    });
    const records = new Records();
    let issued = 0;
    const c = makeClient(url, 1, timing, records, { token: () => `t${++issued}` });
    cleanup.push(() => c.dispose());
    await c.join();
    await waitFor(() => records.of('signal', 1).some((r) => r.msg === 'renew-token'), 2000, 'renew-token');
    expect(issued).toBe(2);
  });

  it('stops every timer and socket on dispose (no records afterwards)', async () => {
    const timing = testTiming();
    const { url, sockets } = await scripted((ws, msg) => {
      if (msg.type === 'join') ws.send(joined(msg.id, timing));
      if (msg.type === 'ping') ws.send(JSON.stringify({ type: 'pong', ts: msg.ts, serverTs: 0 }));
    });
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const timersBefore = timers();
    const records = new Records();
    const c = makeClient(url, 1, timing, records);
    await c.join();
    await c.publish(['audio']).catch(() => undefined); // no media plane here: the offer times out or fails
    expect(timers()).toBeGreaterThan(timersBefore); // heartbeat, liveness, stats, audio clock
    await c.dispose();
    const n = records.all.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(records.all.slice(n)).toEqual([]);
    await waitFor(() => sockets.size === 0, 2000, 'server sees the socket closed');
    expect(c.state).toBe('DISCONNECTED');
    expect(timers()).toBeLessThanOrEqual(timersBefore);
    await c.dispose(); // idempotent
  });
});
