/**
 * The connection manager against the real channel server (in-process, signaling only) on
 * loopback: join, refusals, leave, interruption and rejoin, kicks, budget give-up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '../../../src/lab/clients/client';
import { ClientError } from '../../../src/lab/clients/errors';
import {
  CHANNEL,
  makeClient,
  Records,
  startServer,
  testTiming,
  token,
  waitFor,
  type TestServer,
} from './helpers';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function setup(timing = testTiming()) {
  const srv = await startServer(timing);
  cleanup.push(() => srv.server.close());
  const records = new Records();
  const client = (uid: number, more = {}) => {
    const c = makeClient(srv.url, uid, timing, records, more);
    cleanup.push(() => c.dispose());
    return c;
  };
  return { srv, records, client, timing };
}

describe('Client ↔ ChannelServer signaling', () => {
  it('joins (CONNECTING → CONNECTED), heartbeats, and leaves (DISCONNECTING → DISCONNECTED LEAVE)', async () => {
    const { srv, records, client } = await setup();
    const c = client(1);
    const seen: string[] = [];
    c.onStateChange((from, to, reason) => seen.push(`${from}>${to}${reason ? `:${reason}` : ''}`));
    await c.join();
    expect(c.state).toBe('CONNECTED');
    expect(srv.server.members(CHANNEL).map((m) => m.uid)).toEqual([1]);
    await waitFor(() => records.of('signal', 1).filter((r) => r.msg === 'pong').length >= 2, 5000, 'pongs');
    await c.leave();
    expect(c.state).toBe('DISCONNECTED');
    expect(records.states(1)).toEqual([
      'DISCONNECTED>CONNECTING',
      'CONNECTING>CONNECTED',
      'CONNECTED>DISCONNECTING',
      'DISCONNECTING>DISCONNECTED:LEAVE',
    ]);
    expect(seen).toEqual(records.states(1));
    const tx = records
      .of('signal', 1)
      .filter((r) => r.dir === 'tx')
      .map((r) => r.msg);
    expect(tx).toContain('join');
    expect(tx).toContain('ping');
    expect(tx).toContain('leave');
    // Never a token in a record.
    expect(JSON.stringify(records.all)).not.toMatch(/\.[A-Za-z0-9_-]{20,}/);
    await waitFor(() => srv.server.members(CHANNEL).length === 0, 3000, 'member removed after leave');
  });

  it('can join again after leaving, and after being refused', async () => {
    const { records, client } = await setup();
    let good = false;
    const c = client(5, { token: () => (good ? token(5) : 'bad.token') });
    await expect(c.join()).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    good = true;
    await c.join();
    await c.leave();
    await c.join();
    expect(c.state).toBe('CONNECTED');
    expect(records.states(5)).toEqual([
      'DISCONNECTED>CONNECTING',
      'CONNECTING>DISCONNECTED:INVALID_TOKEN',
      'DISCONNECTED>CONNECTING',
      'CONNECTING>CONNECTED',
      'CONNECTED>DISCONNECTING',
      'DISCONNECTING>DISCONNECTED:LEAVE',
      'DISCONNECTED>CONNECTING',
      'CONNECTING>CONNECTED',
    ]);
  });

  it('rejects a bad token with INVALID_TOKEN and ends DISCONNECTED with that reason', async () => {
    const { records, client } = await setup();
    const c = client(2, { token: 'garbage.token' });
    const err = await c.join().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect((err as ClientError).code).toBe('INVALID_TOKEN');
    expect(c.state).toBe('DISCONNECTED');
    expect(records.states(2)).toEqual(['DISCONNECTED>CONNECTING', 'CONNECTING>DISCONNECTED:INVALID_TOKEN']);
  });

  it('rejects an expired token with TOKEN_EXPIRE', async () => {
    const { client } = await setup();
    const c = client(3, { token: token(3, -60) });
    await expect(c.join()).rejects.toMatchObject({ code: 'TOKEN_EXPIRE' });
    expect(c.state).toBe('DISCONNECTED');
  });

  it('times out a join against an unreachable server with NETWORK_ERROR', async () => {
    const timing = testTiming();
    const dead = await startServer(timing);
    await dead.server.close();
    const records = new Records();
    const c = makeClient(dead.url, 4, timing, records);
    cleanup.push(() => c.dispose());
    const t0 = performance.now();
    await expect(c.join()).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(900); // joinTimeoutMs 10 000 × 0.1
    expect(records.states(4)).toEqual(['DISCONNECTED>CONNECTING', 'CONNECTING>DISCONNECTED:NETWORK_ERROR']);
  });

  it('reports peers: user-joined / user-left become peer records, and the member list on join', async () => {
    const { records, client } = await setup();
    const a = client(10);
    const b = client(11);
    await a.join();
    await b.join();
    await waitFor(() => records.of('peer', 10).some((r) => r.event === 'user-joined' && r.peer === 11), 3000);
    // b learned about a from the member list.
    expect(records.of('peer', 11)).toContainEqual(
      expect.objectContaining({ event: 'user-joined', peer: 10, reason: 'member-list' }),
    );
    expect([...a.remotePeers().keys()]).toEqual([11]);
    await b.leave();
    await waitFor(
      () => records.of('peer', 10).some((r) => r.event === 'user-left' && r.reason === 'Quit'),
      3000,
    );
    expect(a.remotePeers().size).toBe(0);
  });

  it('server stops → RECONNECTING; server back on the same port → CONNECTED (REJOIN_SUCCESS)', async () => {
    const timing = testTiming();
    let srv: TestServer = await startServer(timing);
    cleanup.push(() => srv.server.close());
    const records = new Records();
    const c = makeClient(srv.url, 20, timing, records);
    cleanup.push(() => c.dispose());
    await c.join();
    await srv.server.close();
    await waitFor(() => c.state === 'RECONNECTING', 3000, 'RECONNECTING');
    await new Promise((r) => setTimeout(r, 400)); // several failed probes
    expect(c.state).toBe('RECONNECTING');
    const port = srv.port;
    srv = await startServer(timing, port);
    const t0 = performance.now();
    await waitFor(() => c.state === 'CONNECTED', 5000, 'CONNECTED again');
    // Probes run every 50 ms (scaled), so noticing is fast even though no rejoin failed.
    expect(performance.now() - t0).toBeLessThan(3000);
    const states = records.of('state', 20);
    expect(states.at(-2)).toMatchObject({ from: 'CONNECTED', to: 'RECONNECTING' });
    expect(String(states.at(-2)?.cause)).toMatch(/socket|server/);
    expect(states.at(-1)).toMatchObject({ from: 'RECONNECTING', to: 'CONNECTED', cause: 'REJOIN_SUCCESS' });
    const phases = records.of('reconnect', 20).map((r) => `${String(r.attempt)}:${String(r.phase)}`);
    expect(phases[0]).toBe('1:scheduled');
    expect(phases.at(-2)).toMatch(/:start$/);
    expect(phases.at(-1)).toMatch(/:success$/);
    expect(srv.server.members(CHANNEL).map((m) => m.uid)).toEqual([20]);
    // And it keeps heartbeating on the new socket.
    const pongs = records.of('signal', 20).filter((r) => r.msg === 'pong').length;
    await waitFor(
      () => records.of('signal', 20).filter((r) => r.msg === 'pong').length > pongs + 1,
      3000,
      'pongs',
    );
  });

  it('gives up after the budget: RECONNECTING → DISCONNECTED NETWORK_ERROR with a giveup record', async () => {
    const timing = testTiming({ reconnect: { budgetMs: 3000 } }); // 300 ms real
    const { srv, records, client } = await setup(timing);
    const c = client(30);
    await c.join();
    await srv.server.close();
    await waitFor(() => c.state === 'DISCONNECTED', 5000, 'DISCONNECTED');
    expect(records.states(30).slice(-2)).toEqual([
      'CONNECTED>RECONNECTING',
      'RECONNECTING>DISCONNECTED:NETWORK_ERROR',
    ]);
    expect(records.of('reconnect', 30).at(-1)).toMatchObject({ phase: 'giveup' });
  });

  it('kicked: UID_BANNED, SAME_UID_LOGIN, TOKEN_EXPIRE, CHANNEL_BANNED', async () => {
    const { srv, records, client } = await setup();
    const a = client(40);
    await a.join();
    srv.server.banUid(CHANNEL, 40);
    await waitFor(() => a.state === 'DISCONNECTED', 3000, 'kicked');
    expect(records.states(40).at(-1)).toBe('CONNECTED>DISCONNECTED:UID_BANNED');

    const b1 = client(41);
    const b2 = client(41);
    await b1.join();
    await b2.join();
    await waitFor(() => b1.state === 'DISCONNECTED', 3000, 'replaced');
    expect(b2.state).toBe('CONNECTED');
    expect(records.of('state', 41).filter((r) => r.reason === 'SAME_UID_LOGIN')).toHaveLength(1);

    const c = client(42);
    await c.join();
    srv.server.expireToken(CHANNEL, 42);
    await waitFor(() => c.state === 'DISCONNECTED', 3000, 'token expired');
    expect(records.states(42).at(-1)).toBe('CONNECTED>DISCONNECTED:TOKEN_EXPIRE');

    const d = client(43);
    await d.join();
    srv.server.banChannel(CHANNEL);
    await waitFor(() => d.state === 'DISCONNECTED', 3000, 'channel banned');
    expect(records.states(43).at(-1)).toBe('CONNECTED>DISCONNECTED:CHANNEL_BANNED');
    await expect(client(44).join()).rejects.toMatchObject({ code: 'CHANNEL_BANNED' });
  });

  it('refuses a join with SERVER_ERROR while the server does not accept joins', async () => {
    const { srv, records, client } = await setup();
    srv.server.setAcceptingJoins(false);
    await expect(client(45).join()).rejects.toMatchObject({ code: 'SERVER_ERROR' });
    expect(records.states(45).at(-1)).toBe('CONNECTING>DISCONNECTED:SERVER_ERROR');
  });

  it('leave() during RECONNECTING ends with LEAVE and stops probing', async () => {
    const { srv, records, client } = await setup();
    const c = client(50);
    await c.join();
    await srv.server.close();
    await waitFor(() => c.state === 'RECONNECTING', 3000);
    await c.leave();
    expect(records.states(50).slice(-2)).toEqual([
      'RECONNECTING>DISCONNECTING',
      'DISCONNECTING>DISCONNECTED:LEAVE',
    ]);
    const n = records.all.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(records.all.length).toBe(n);
  });

  it('refuses calls in the wrong state or with bad arguments, clearly', async () => {
    const { client } = await setup();
    const c: Client = client(60);
    await expect(c.publish(['audio'])).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(c.publish(['smell' as never])).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await c.join();
    await expect(c.join()).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(c.subscribe(-1, ['audio'])).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await c.dispose();
    await expect(c.join()).rejects.toMatchObject({ code: 'DISPOSED' });
  });
});
