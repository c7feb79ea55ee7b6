/**
 * `lab:start` with a server the lab did not start (issue 11 #13, and the real path of #5),
 * through the real dispatcher and LabService: a URL that is not on this machine is refused
 * unless the request carries the person's confirmation, nothing is contacted meanwhile; a server
 * is reported up only once a WebSocket handshake succeeded, with a clear error otherwise; and the
 * URL's user info (`ws://bob:hunter2@…`) reaches neither the status, the trace nor any member of a
 * redacted bundle, while the lab still runs on that server (a real standalone channel server).
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher, createHandlers, type Dispatch } from '../../../src/app/ipc/handlers';
import { LabService } from '../../../src/app/services/lab-service';
import { runStandaloneServer, type StandaloneServer } from '../../../src/lab/server/standalone';
import { invokeContract } from '../../../src/shared/ipc';
import { unzipText } from '../bundle/helpers';
import { waitFor } from '../../helpers/wait';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup(options: { probeTimeoutMs?: number; remoteWatchIntervalMs?: number } = {}): {
  dispatch: Dispatch;
  svc: LabService;
} {
  const svc = new LabService({ mode: 'browser', journalDir: null, ...options });
  cleanups.push(() => svc.dispose());
  return { dispatch: createDispatcher(createHandlers(svc)), svc };
}

async function call(dispatch: Dispatch, channel: keyof typeof invokeContract, payload: unknown = {}) {
  const envelope = await dispatch(channel, payload);
  if (!envelope.ok) throw new Error(`${channel} failed: ${envelope.error.code} ${envelope.error.message}`);
  return envelope.value as never;
}

async function failure(dispatch: Dispatch, channel: keyof typeof invokeContract, payload: unknown) {
  const envelope = await dispatch(channel, payload);
  if (envelope.ok) throw new Error(`${channel} succeeded: ${JSON.stringify(envelope.value)}`);
  return envelope.error;
}

/** A TCP listener that counts connections and answers nothing. */
async function silentListener(host: string): Promise<{ port: number; connections: () => number }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((s) => sockets.push(s));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as { port: number }).port, connections: () => sockets.length };
}

/** A free loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const externalIpv4 = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

const remote = (url: string, extra: Record<string, unknown> = {}) => ({
  server: { kind: 'remote', url, secret: null, ...extra },
  timing: { timeScale: 0.1 },
});

describe('lab:start with a remote server', () => {
  it('refuses a URL off this machine without the confirmation, contacting nothing', async () => {
    const { dispatch } = setup();
    const t0 = performance.now();
    const error = await failure(dispatch, 'lab:start', remote('ws://169.254.169.254/latest/meta-data/'));
    expect(error.code).toBe('REMOTE_NOT_CONFIRMED');
    expect(error.message).toMatch(/ws:\/\/169\.254\.169\.254\/latest\/meta-data\/ is not on this machine/);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(await call(dispatch, 'lab:get-status')).toMatchObject({ running: false, server: null });

    // Non-boolean confirmations are bad requests, not confirmations.
    const bad = await failure(dispatch, 'lab:start', remote('ws://169.254.169.254/', { allowRemote: 'yes' }));
    expect(bad.code).toBe('BAD_REQUEST');
  });

  it.skipIf(!externalIpv4)(
    'connects to nothing on an address of this machine that is not loopback',
    async () => {
      const { dispatch } = setup();
      const listener = await silentListener('0.0.0.0');
      const url = `ws://${externalIpv4}:${listener.port}/v1/channel`;
      expect((await failure(dispatch, 'lab:start', remote(url))).code).toBe('REMOTE_NOT_CONFIRMED');
      await new Promise((r) => setTimeout(r, 100));
      expect(listener.connections()).toBe(0);
    },
  );

  it('reports an unreachable server as an error, not as up (refused, silent, not WebSocket)', async () => {
    const { dispatch } = setup({ probeTimeoutMs: 800 });
    const refused = await failure(
      dispatch,
      'lab:start',
      remote(`ws://127.0.0.1:${await closedPort()}/v1/channel`),
    );
    expect(refused.code).toBe('SERVER_UNREACHABLE');
    expect(refused.message).toMatch(
      /^No channel server answered at ws:\/\/127\.0\.0\.1:\d+\/v1\/channel: ECONNREFUSED/,
    );

    const silent = await silentListener('127.0.0.1');
    const quiet = await failure(dispatch, 'lab:start', remote(`ws://127.0.0.1:${silent.port}/v1/channel`));
    expect(quiet.code).toBe('SERVER_UNREACHABLE');
    expect(quiet.message).toMatch(/no answer within 800 ms|timed out/i);
    expect(silent.connections()).toBe(1);

    const http = createHttpServer((_req, res) => res.writeHead(404).end('no'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => http.close(resolve)));
    const port = (http.address() as { port: number }).port;
    const notWs = await failure(dispatch, 'lab:start', remote(`ws://127.0.0.1:${port}/v1/channel`));
    expect(notWs).toMatchObject({ code: 'SERVER_UNREACHABLE' });
    expect(notWs.message).toContain('HTTP 404 instead of a WebSocket upgrade');

    // The metadata address of the finding, confirmed: still not up, and no lab left behind.
    const metadata = await failure(
      dispatch,
      'lab:start',
      remote('ws://169.254.169.254/latest/meta-data/', { allowRemote: true }),
    );
    expect(metadata.code).toBe('SERVER_UNREACHABLE');
    expect(await call(dispatch, 'lab:get-status')).toMatchObject({ running: false, server: null });
  }, 30_000);

  it.skipIf(!externalIpv4)(
    'starts on a confirmed server off loopback once it answered',
    async () => {
      const secret = 'remote-test-secret-0123456789abcdef';
      const server: StandaloneServer = await runStandaloneServer({
        host: externalIpv4,
        port: 0,
        secret,
        media: false,
        log: () => undefined,
      });
      cleanups.push(() => server.close());
      const { dispatch } = setup();
      const url = `ws://${externalIpv4}:${server.port}/v1/channel`;
      const status = await call(dispatch, 'lab:start', remote(url, { secret, allowRemote: true }));
      expect(status).toMatchObject({ running: true, server: { kind: 'remote', url, up: true } });
    },
    30_000,
  );

  it('keeps the URL user info out of status, trace and every member of a redacted bundle', async () => {
    const secret = 'remote-test-secret-0123456789abcdef';
    const server = await runStandaloneServer({ host: '127.0.0.1', port: 0, secret, log: () => undefined });
    cleanups.push(() => server.close());
    const { dispatch } = setup();
    const url = `ws://bob:hunter2@127.0.0.1:${server.port}/v1/channel`;
    const started = (await call(dispatch, 'lab:start', {
      server: { kind: 'remote', url, secret },
      timing: { timeScale: 0.1 },
      participants: [{ uid: 1 }, { uid: 2 }],
    })) as { server: { url: string; up: boolean } };
    expect(started.server).toEqual({
      kind: 'remote',
      url: `ws://127.0.0.1:${server.port}/v1/channel`,
      up: true,
    });
    await call(dispatch, 'client:join', { uid: 1 });
    await call(dispatch, 'client:join', { uid: 2 });
    await call(dispatch, 'trace:add-mark', { label: `retry via ${url}` });

    const snapshot = (await call(dispatch, 'trace:get-snapshot')) as { records: Array<{ type: string }> };
    const bare = JSON.stringify(snapshot);
    expect(snapshot.records.some((r) => r.type === 'state')).toBe(true);
    // The lab itself never writes the user info; only what a person typed into a mark holds it.
    expect(bare.split('hunter2').length - 1).toBe(1);

    const bundle = (await call(dispatch, 'trace:export-bundle', { redact: true })) as { base64: string };
    const files = unzipText(new Uint8Array(Buffer.from(bundle.base64, 'base64')));
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(['trace.ndjson.gz', 'app.log', 'events.csv', 'report.html', 'manifest.json']),
    );
    const leaks = Object.entries(files).filter(
      ([, text]) => text.includes('hunter2') || text.includes('bob:'),
    );
    expect(leaks.map(([name]) => name)).toEqual([]);
    expect(JSON.parse(files['manifest.json']!).redaction.counts).toMatchObject({ secret: 1, user: 1 });
  }, 60_000);

  it('follows the server while the lab runs: down when it stops answering, up when it is back', async () => {
    let server = await runStandaloneServer({
      host: '127.0.0.1',
      port: 0,
      secret: null,
      media: false,
      log: () => undefined,
    });
    cleanups.push(() => server.close());
    const port = server.port;
    const { dispatch } = setup({ remoteWatchIntervalMs: 100, probeTimeoutMs: 2000 });
    const url = `ws://127.0.0.1:${port}/v1/channel`;
    const status = async () =>
      ((await call(dispatch, 'lab:get-status')) as { server: { up: boolean } }).server.up;
    await call(dispatch, 'lab:start', {
      server: { kind: 'remote', url, secret: null },
      timing: { timeScale: 0.1 },
    });
    expect(await status()).toBe(true);
    await server.close();
    await waitFor(async () => !(await status()), 'the status to say the server is down');
    server = await runStandaloneServer({
      host: '127.0.0.1',
      port,
      secret: null,
      media: false,
      log: () => undefined,
    });
    await waitFor(status, 'the status to say the server is back');
    const snapshot = (await call(dispatch, 'trace:get-snapshot')) as {
      records: Array<{ type: string; msg?: string }>;
    };
    const lines = snapshot.records
      .filter((r) => r.type === 'log' && /handshake/.test(r.msg ?? ''))
      .map((r) => r.msg);
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(`^server: ${url} no longer answers a handshake: No channel server answered`),
      ),
      `server: ${url} answers a handshake again`,
    ]);
  }, 30_000);
});
