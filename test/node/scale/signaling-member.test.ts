import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { Lab } from '../../../src/lab/lab';
import { MemberJoinError, MemberSwarm, SignalingMember } from '../../../src/lab/load';
import { waitFor } from '../../helpers/wait';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A loopback WebSocket server that answers each connection with `onConnection`. */
async function fakeServer(onConnection: (socket: WebSocket) => void): Promise<string> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  wss.on('connection', onConnection);
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  );
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/v1/channel`;
}

const joinedFrame = JSON.stringify({
  type: 'joined',
  uid: 1,
  resume: 'r',
  members: [],
  config: { heartbeatIntervalMs: 100, heartbeatTimeoutMs: 1000, mediaTimeoutMs: 500, timeScale: 0.5 },
});

describe('SignalingMember against a misbehaving server', () => {
  it('counts garbage without throwing, joins, heartbeats at the announced interval and leaves', async () => {
    const received: string[] = [];
    const url = await fakeServer((socket) => {
      socket.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { type: string; ts?: number };
        received.push(msg.type);
        if (msg.type === 'join') {
          for (const junk of ['{', '42', 'null', '[1]', '{"type":7}', '"x"']) socket.send(junk);
          socket.send(Buffer.from([1, 2, 3]), { binary: true });
          socket.send(JSON.stringify({ type: 'user-left', uid: 'nope', reason: 'ServerTimeOut' }));
          socket.send(JSON.stringify({ type: 'mystery' }));
          socket.send(joinedFrame);
        }
        if (msg.type === 'ping') socket.send(JSON.stringify({ type: 'pong', ts: msg.ts, serverTs: 0 }));
      });
    });
    const member = new SignalingMember({ url, channel: 'c', uid: 1, token: 't' });
    cleanups.push(() => member.dispose());
    const latency = await member.join();
    expect(latency).toBeGreaterThanOrEqual(0);
    expect(member.state).toBe('joined');
    expect(member.counts.garbage).toBe(7);
    expect(member.counts.userLeftTimeout).toBe(1); // counted, though its uid was not a number
    expect(member.timedOutPeers.size).toBe(0);
    // 100 ms × 0.5 → a ping every 50 ms.
    await waitFor(() => member.counts.pongs >= 3, 'three pongs', 10_000);
    expect(member.rttMs.length).toBeGreaterThanOrEqual(3);
    await member.leave();
    await waitFor(() => received.includes('leave'), 'leave at the server', 5000);
    expect(member.state).toBe('left');
    expect(member.unexpectedClose).toBeNull();
  });

  it('fails a join with a typed error: refused, no answer, socket closed', async () => {
    const refusing = await fakeServer((s) =>
      s.on('message', () => s.send(JSON.stringify({ type: 'error', code: 'INVALID_TOKEN', message: 'no' }))),
    );
    const silent = await fakeServer(() => undefined);
    const closing = await fakeServer((s) => s.on('message', () => s.close(4001, 'auth')));
    const outcomes = await Promise.all(
      [refusing, silent, closing].map(async (url) => {
        const m = new SignalingMember({ url, channel: 'c', uid: 2, token: 't', joinTimeoutMs: 500 });
        cleanups.push(() => m.dispose());
        const error = await m.join().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MemberJoinError);
        expect(m.state).toBe('failed');
        return (error as MemberJoinError).code;
      }),
    );
    expect(outcomes).toEqual(['REFUSED', 'TIMEOUT', 'SOCKET']);
    const nowhere = new SignalingMember({
      url: 'ws://127.0.0.1:1/v1/channel',
      channel: 'c',
      uid: 3,
      token: 't',
    });
    await expect(nowhere.join()).rejects.toMatchObject({ code: 'SOCKET' });
    await nowhere.dispose();
  });
});

describe('MemberSwarm on the real channel server', () => {
  it('joins members with bounded concurrency, sees the others and refuses nothing', async () => {
    const lab = await Lab.create({ injectFaults: false, timing: { timeScale: 0.2 } });
    cleanups.push(() => lab.dispose());
    const swarm = new MemberSwarm({
      url: lab.serverInfo().url,
      channel: lab.channel,
      token: (uid) => lab.issueToken(uid),
      concurrency: 4,
    });
    cleanups.push(() => swarm.dispose());
    const first = await swarm.start(12);
    expect(first.failures).toEqual([]);
    expect(first.latenciesMs).toHaveLength(12);
    // Each member hears user-joined for every member that came after it: 11 + 10 + … + 0.
    await waitFor(() => swarm.totals().userJoined === 66, 'user-joined for later members', 10_000);
    // Heartbeats every 400 ms real; answered.
    await waitFor(() => swarm.totals().pongs >= 24, 'two pongs per member', 10_000);
    const bad = new MemberSwarm({ url: lab.serverInfo().url, channel: lab.channel, token: () => 'forged' });
    cleanups.push(() => bad.dispose());
    const refused = await bad.start(2);
    expect(refused.failures.map((f) => f.code)).toEqual(['REFUSED', 'REFUSED']);
    await swarm.leaveAll();
    const totals = swarm.totals();
    expect(totals.timedOutUids).toEqual([]);
    expect(totals.garbage).toBe(0);
    expect(totals.joined).toBe(0);
  });
});
