/**
 * Browser mode on real loopback sockets: static files behind the token, the WebSocket
 * transport behind token + Origin, the same dispatcher and service as the desktop app.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createDispatcher, createHandlers } from '../../../src/app/ipc/handlers';
import { LabService } from '../../../src/app/services/lab-service';
import { BrowserModeServer, staticFilesCookie } from '../../../src/web/server';
import { parseWebArgs } from '../../../src/web/args';
import { resolveStaticPath } from '../../../src/web/static-files';

let root = '';
let server: BrowserModeServer | undefined;
let service: LabService | undefined;
const TOKEN = 'test-token-abcdefghijklmnopqrstuvwxyz';

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-web-'));
  root = join(dir, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Faultline</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(root, '.secret'), 'hidden');
  writeFileSync(join(dir, 'secret.txt'), 'outside');
});

afterEach(async () => {
  await server?.dispose();
  await service?.dispose();
  server = undefined;
  service = undefined;
});

async function start(): Promise<BrowserModeServer> {
  service = new LabService({ mode: 'browser' });
  server = await BrowserModeServer.start({
    dispatch: createDispatcher(createHandlers(service)),
    events: service.events,
    root,
    token: TOKEN,
  });
  return server;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw GET (the path is sent exactly as given, no normalisation). */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens the IPC socket; resolves with it, or with the HTTP status that refused it. */
function connect(url: string, origin: string | undefined): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

function nextFrame(
  ws: WebSocket,
  match: (frame: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer): void => {
      const frame = JSON.parse(data.toString()) as Record<string, unknown>;
      if (match(frame)) {
        ws.off('message', onMessage);
        resolve(frame);
      }
    };
    ws.on('message', onMessage);
  });
}

describe('browser mode: HTTP', () => {
  it('serves the page with the token, its CSP, and the assets after it', async () => {
    const s = await start();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=test-token/);
    const page = await get(s.listenPort, `/?token=${TOKEN}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Faultline</title>');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-eval');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const cookie = String(page.headers['set-cookie']).split(';')[0]!;
    const derived = staticFilesCookie(TOKEN, s.listenPort);
    expect(cookie).toBe(`faultline_static_${s.listenPort}=${derived.value}`);
    expect(String(page.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);

    const js = await get(s.listenPort, '/assets/app.js', { cookie });
    expect(js).toMatchObject({ status: 200, body: 'console.log(1)' });
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get(s.listenPort, '/assets/app.css', { cookie })).headers['content-type']).toBe(
      'text/css; charset=utf-8',
    );
    expect((await get(s.listenPort, '/assets/missing.js', { cookie })).status).toBe(404);
  });

  it('sets a cookie that is not the token and opens nothing but static files', async () => {
    const s = await start();
    const setCookie = String((await get(s.listenPort, `/?token=${TOKEN}`)).headers['set-cookie']);
    // Before: `faultline_token=<the token>`, sent by the browser to every port on 127.0.0.1.
    expect(setCookie).not.toContain(TOKEN);
    const [name, value] = setCookie.split(';')[0]!.split('=') as [string, string];
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await get(s.listenPort, '/assets/app.js', { cookie: `${name}=${value}` })).status).toBe(200);
    // The cookie's value does not open the IPC socket, in the query or as a cookie.
    const wire = `ws://127.0.0.1:${s.listenPort}/ipc`;
    expect(await connect(`${wire}?token=${encodeURIComponent(value)}`, s.origin)).toBe(401);
    const asCookie = new WebSocket(wire, { origin: s.origin, headers: { cookie: `${name}=${value}` } });
    expect(
      await new Promise((resolve) => {
        asCookie.once('unexpected-response', (_req, res) => resolve(res.statusCode));
        asCookie.once('open', () => resolve('open'));
      }),
    ).toBe(401);
    // The raw token as a cookie (what older versions set) opens nothing any more.
    expect((await get(s.listenPort, '/assets/app.js', { cookie: `faultline_token=${TOKEN}` })).status).toBe(
      401,
    );
    // Another port's cookie name, or this name with another token's value, is refused.
    expect(
      (await get(s.listenPort, '/assets/app.js', { cookie: `faultline_static_1=${value}` })).status,
    ).toBe(401);
    const forged = staticFilesCookie(`${TOKEN}x`, s.listenPort);
    expect((await get(s.listenPort, '/', { cookie: `${forged.name}=${forged.value}` })).status).toBe(401);
  });

  it('refuses a missing or wrong token, and a foreign Host', async () => {
    const s = await start();
    expect((await get(s.listenPort, '/')).status).toBe(401);
    expect((await get(s.listenPort, '/assets/app.js')).status).toBe(401);
    expect((await get(s.listenPort, '/?token=wrong')).status).toBe(401);
    expect((await get(s.listenPort, `/?token=${TOKEN}x`)).status).toBe(401);
    expect((await get(s.listenPort, '/', { cookie: 'faultline_token=nope' })).status).toBe(401);
    const rebound = await get(s.listenPort, `/?token=${TOKEN}`, { host: `evil.example:${s.listenPort}` });
    expect(rebound.status).toBe(421);
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/..%5csecret.txt',
    '/.secret',
    '/index.html%00.js',
  ])('never serves %s (path traversal, hidden files)', async (path) => {
    const s = await start();
    const answer = await get(s.listenPort, `${path}?token=${TOKEN}`);
    expect([400, 404]).toContain(answer.status);
    expect(answer.body).not.toMatch(/outside|hidden/);
  });

  it('resolves static paths inside the root only', () => {
    expect(resolveStaticPath('/r', '/')).toBe('/r/index.html');
    expect(resolveStaticPath('/r', '/assets/a.js')).toBe('/r/assets/a.js');
    expect(resolveStaticPath('/r', '/../etc/passwd')).toBeNull();
    expect(resolveStaticPath('/r', '/%E0%A4%A')).toBeNull();
  });

  it('is loopback-only unless allowed', async () => {
    await expect(
      BrowserModeServer.start({
        dispatch: async () => ({ ok: true, value: null }),
        events: new LabService({ mode: 'browser' }).events,
        root,
        host: '0.0.0.0',
      }),
    ).rejects.toThrow(/loopback-only/);
    expect(parseWebArgs(['--port', '5174', '--no-open'], 'out/renderer')).toMatchObject({
      port: 5174,
      host: '127.0.0.1',
      open: false,
      allowRemote: false,
    });
    expect(() => parseWebArgs(['--port', 'x'], 'r')).toThrow(/--port/);
  });
});

describe('browser mode: the IPC socket', () => {
  it('refuses a wrong token, a missing token and a foreign Origin', async () => {
    const s = await start();
    const ws = s.origin.replace('http', 'ws');
    expect(await connect(`${ws}/ipc?token=wrong`, s.origin)).toBe(401);
    expect(await connect(`${ws}/ipc`, s.origin)).toBe(401);
    expect(await connect(`${ws}/ipc?token=${TOKEN}`, 'http://evil.example')).toBe(403);
    expect(await connect(`${ws}/ipc?token=${TOKEN}`, undefined)).toBe(403);
    expect(await connect(`${ws}/other?token=${TOKEN}`, s.origin)).toBe(404);
    expect(s.connections).toBe(0);
  });

  it('answers invokes with the envelope, rejects bad payloads, forwards events, closes on dispose', async () => {
    const s = await start();
    const ws = (await connect(`${s.origin.replace('http', 'ws')}/ipc?token=${TOKEN}`, s.origin)) as WebSocket;
    expect(ws).toBeInstanceOf(WebSocket);

    let reply = nextFrame(ws, (f) => f['id'] === 1);
    ws.send(JSON.stringify({ kind: 'invoke', id: 1, channel: 'lab:get-status', payload: {} }));
    expect(await reply).toMatchObject({
      kind: 'result',
      id: 1,
      ok: true,
      value: { running: false, participants: [] },
    });

    reply = nextFrame(ws, (f) => f['id'] === 2);
    ws.send(JSON.stringify({ kind: 'invoke', id: 2, channel: 'client:join', payload: { uid: 'one' } }));
    expect(await reply).toMatchObject({ id: 2, ok: false, error: { code: 'BAD_REQUEST' } });

    reply = nextFrame(ws, (f) => f['id'] === 3);
    ws.send(JSON.stringify({ kind: 'invoke', id: 3, channel: 'fs:read-file', payload: {} }));
    expect(await reply).toMatchObject({ id: 3, ok: false, error: { code: 'BAD_REQUEST' } });

    reply = nextFrame(ws, (f) => f['id'] === 4);
    ws.send(JSON.stringify({ kind: 'invoke', id: 4, channel: 'client:join', payload: { uid: 1 } }));
    expect(await reply).toMatchObject({ id: 4, ok: false, error: { code: 'NO_LAB' } });

    // An event from the service reaches the page: lab:stop publishes the (idle) status.
    const event = nextFrame(ws, (f) => f['kind'] === 'event');
    ws.send(JSON.stringify({ kind: 'invoke', id: 5, channel: 'lab:stop', payload: {} }));
    expect(await event).toMatchObject({ kind: 'event', channel: 'lab:status', payload: { running: false } });

    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await s.dispose();
    expect(typeof (await closed)).toBe('number');
    await expect(get(s.listenPort, `/?token=${TOKEN}`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('closes a socket that sends what is not an invoke frame', async () => {
    const s = await start();
    const ws = (await connect(`${s.origin.replace('http', 'ws')}/ipc?token=${TOKEN}`, s.origin)) as WebSocket;
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('{not json');
    expect(await closed).toBe(1007);
  });
});
