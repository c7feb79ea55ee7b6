import { afterEach, describe, expect, it } from 'vitest';
import { ServerProcess } from '../../../src/lab/server/server-process';
import type { ServerEvent } from '../../../src/lab/server/events';
import { resolveServerEntry } from '../../../src/lab/server/resolve-entry';
import { FAST, SECRET } from './helpers/server';
import { TestClient } from './helpers/ws-client';
import { signToken } from '../../../src/lab/server/tokens';
import { isAlive as alive } from '../../helpers/process';
import { waitFor } from '../../helpers/wait';

const token = (uid: number) =>
  signToken(SECRET, { channel: 'room', uid, role: 'host', exp: Math.floor(Date.now() / 1000) + 3600 });

let server: ServerProcess | null = null;
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.dispose();
  server = null;
});

async function joinedClient(url: string, uid: number): Promise<TestClient> {
  const client = await TestClient.connect(url);
  clients.push(client);
  client.send({ type: 'join', channel: 'room', uid, token: token(uid) });
  await client.next('joined');
  return client;
}

describe('ServerProcess', () => {
  it('reports a stall of its own event loop, at least as long as it was blocked', async () => {
    server = await ServerProcess.start({ secret: SECRET, timing: FAST });
    const stalls: Array<{ ms: number; cpuMs: number }> = [];
    server.onEvent((e) => {
      if (e.type === 'stall') stalls.push({ ms: e.ms, cpuMs: e.cpuMs });
    });
    await server.spin(400);
    // The stall event follows the ack: its tick ran only once the spin was over.
    await waitFor(() => stalls.some((s) => s.ms >= 380), 'a stall event of the 400 ms spin', 10_000);
    // It was the child's own work: busy on its CPU for most of it.
    expect(stalls.find((s) => s.ms >= 380)!.cpuMs).toBeGreaterThan(0);
  });

  it('resolves the source entry when no build exists', () => {
    const entry = resolveServerEntry();
    expect(entry.entry).toMatch(/server-main\.ts$/);
    expect(entry.execArgv[0]).toBe('--import');
    expect(() => resolveServerEntry('/nonexistent')).toThrow(/not found/);
  });

  it('starts, reports its port, forwards admin commands and events, stops gracefully', async () => {
    server = await ServerProcess.start({ secret: SECRET, timing: FAST });
    const events: ServerEvent[] = [];
    server.onEvent((e) => events.push(e));
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`ws://127.0.0.1:${server.port}/v1/channel`);
    expect(server.running).toBe(true);
    const pid = server.pid!;
    expect(alive(pid)).toBe(true);

    const a = await joinedClient(server.url, 1);
    const b = await joinedClient(server.url, 2);
    await server.banUid('room', 2);
    expect(await b.next('kicked')).toEqual({ type: 'kicked', reason: 'UID_BANNED' });
    await server.setAcceptingJoins(false);
    const c = await TestClient.connect(server.url);
    clients.push(c);
    c.send({ type: 'join', channel: 'room', uid: 3, token: token(3) });
    expect(await c.next('error')).toMatchObject({ code: 'SERVER_ERROR' });
    await server.expireToken('room', 1);
    expect(await a.next('kicked')).toEqual({ type: 'kicked', reason: 'TOKEN_EXPIRE' });
    expect(events.some((e) => e.type === 'kicked')).toBe(true);

    const d = await TestClient.connect(server.url);
    clients.push(d);
    await server.stop();
    expect((await d.closed()).code).toBe(4004);
    expect(server.running).toBe(false);
    expect(alive(pid)).toBe(false);
    await expect(server.banChannel('room')).rejects.toThrow(/not running/);
  });

  it('crash kills the process; restart listens on the same port again', async () => {
    server = await ServerProcess.start({ secret: SECRET, timing: FAST });
    const { port } = server;
    const pid = server.pid!;
    const a = await joinedClient(server.url, 1);
    await server.crash();
    expect(alive(pid)).toBe(false);
    expect(server.running).toBe(false);
    const closed = await a.closed();
    expect(closed.code).not.toBe(4004); // no goodbye: the socket just died

    const t0 = performance.now();
    await server.restart();
    console.log(`restart after crash: ${(performance.now() - t0).toFixed(0)} ms`);
    expect(server.port).toBe(port);
    expect(server.pid).not.toBe(pid);
    await joinedClient(server.url, 1);
  });

  it('dispose leaves no child process and is idempotent', async () => {
    server = await ServerProcess.start({ secret: null, timing: FAST, media: false });
    const pid = server.pid!;
    await server.dispose();
    await server.dispose();
    expect(() => process.kill(pid, 0)).toThrow();
    await expect(server.restart()).rejects.toThrow(/disposed/);
  });

  it('a port in use fails start with a clear error; child output reaches the log sink', async () => {
    server = await ServerProcess.start({ secret: SECRET, timing: FAST, media: false });
    const lines: string[] = [];
    await expect(
      ServerProcess.start({
        secret: SECRET,
        timing: FAST,
        port: server.port,
        media: false,
        log: (level, message) => lines.push(`${level} ${message}`),
      }),
    ).rejects.toThrow(/EADDRINUSE|address already in use/);
    expect(lines.some((l) => /^warn server output: faultline server: cannot listen/.test(l))).toBe(true);
    expect(lines.some((l) => /server process exited \(code 1/.test(l))).toBe(true);
  });
});
