import { afterEach, describe, expect, it } from 'vitest';
import { runStandaloneServer, type StandaloneServer } from '../../../src/lab/server/standalone';
import { signToken } from '../../../src/lab/server/tokens';
import { TestClient } from './helpers/ws-client';

let server: StandaloneServer | null = null;
const clients: TestClient[] = [];
const savedEnv = process.env['FAULTLINE_SECRET'];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
  server = null;
  if (savedEnv === undefined) delete process.env['FAULTLINE_SECRET'];
  else process.env['FAULTLINE_SECRET'] = savedEnv;
});

describe('runStandaloneServer', () => {
  it('refuses to start without a secret unless auth is none', async () => {
    delete process.env['FAULTLINE_SECRET'];
    await expect(runStandaloneServer({ port: 0, log: () => undefined })).rejects.toThrow(/FAULTLINE_SECRET/);
    await expect(runStandaloneServer({ port: 0, secret: '', log: () => undefined })).rejects.toThrow(
      /secret/,
    );
    await expect(
      runStandaloneServer({ port: 0, secret: 's', timeScale: 0, log: () => undefined }),
    ).rejects.toThrow(/time scale/);
  });

  it('takes the secret from FAULTLINE_SECRET and checks tokens with it', async () => {
    process.env['FAULTLINE_SECRET'] = 'env-secret';
    const lines: string[] = [];
    server = await runStandaloneServer({ port: 0, media: false, log: (l) => lines.push(l) });
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/channel$/);
    const good = await TestClient.connect(server.url);
    clients.push(good);
    const exp = Math.floor(Date.now() / 1000) + 60;
    good.send({
      type: 'join',
      channel: 'c',
      uid: 1,
      token: signToken('env-secret', { channel: 'c', uid: 1, role: 'host', exp }),
    });
    await good.next('joined');
    const bad = await TestClient.connect(server.url);
    clients.push(bad);
    bad.send({
      type: 'join',
      channel: 'c',
      uid: 2,
      token: signToken('other', { channel: 'c', uid: 2, role: 'host', exp }),
    });
    expect(await bad.next('error')).toMatchObject({ code: 'INVALID_TOKEN' });
    expect(lines.some((l) => l.includes('listening'))).toBe(true);
  });

  it('auth none starts and says it is insecure', async () => {
    const lines: string[] = [];
    server = await runStandaloneServer({ port: 0, secret: null, media: false, log: (l) => lines.push(l) });
    expect(lines.some((l) => /insecure|not checked/i.test(l))).toBe(true);
    const c = await TestClient.connect(server.url);
    clients.push(c);
    c.send({ type: 'join', channel: 'c', uid: 1, token: 'whatever' });
    await c.next('joined');
  });
});
