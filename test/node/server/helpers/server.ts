/** Test fixtures around an in-process ChannelServer. */
import { resolveTiming, type LabTiming } from '../../../../src/shared/model/config';
import { ChannelServer, type ChannelServerOptions } from '../../../../src/lab/server/channel-server';
import type { ServerEvent } from '../../../../src/lab/server/events';
import { signToken } from '../../../../src/lab/server/tokens';
import { TestClient } from './ws-client';

/** Lab timing at 1/20 speed: heartbeat timeout 1 s, media timeout 0.5 s, token warning 1.5 s. */
export const FAST: LabTiming = resolveTiming({ timeScale: 0.05 });

export const SECRET = 'server-test-secret';

/** A started server plus helpers; `dispose()` closes the server and every client. */
export interface Fixture {
  server: ChannelServer;
  url: string;
  port: number;
  events: ServerEvent[];
  clients: TestClient[];
  connect(): Promise<TestClient>;
  /** Connects and joins; resolves once `joined` arrived. */
  join(
    channel: string,
    uid: number,
    extra?: { resume?: string; token?: string },
  ): Promise<{
    client: TestClient;
    joined: Extract<import('../../../../src/shared/protocol/messages').ServerMessage, { type: 'joined' }>;
  }>;
  token(channel: string, uid: number, expInS?: number, role?: 'host' | 'audience'): string;
  dispose(): Promise<void>;
}

/** Starts a server on a random loopback port. */
export async function startServer(options: Partial<ChannelServerOptions> = {}): Promise<Fixture> {
  const server = new ChannelServer({ secret: SECRET, timing: FAST, ...options });
  const events: ServerEvent[] = [];
  server.onEvent((e) => events.push(e));
  const { url, port } = await server.start();
  const clients: TestClient[] = [];
  const secret = options.secret === undefined ? SECRET : options.secret;
  const fixture: Fixture = {
    server,
    url,
    port,
    events,
    clients,
    async connect() {
      const client = await TestClient.connect(url);
      clients.push(client);
      return client;
    },
    token(channel, uid, expInS = 3600, role = 'host') {
      return signToken(secret ?? 'unused', {
        channel,
        uid,
        role,
        exp: Math.floor(Date.now() / 1000) + expInS,
      });
    },
    async join(channel, uid, extra = {}) {
      const client = await fixture.connect();
      const from = client.received.length;
      client.send({
        type: 'join',
        id: 'j',
        channel,
        uid,
        token: extra.token ?? fixture.token(channel, uid),
        resume: extra.resume,
      });
      const joined = await client.next('joined', () => true, 5000, from);
      return { client, joined };
    },
    async dispose() {
      for (const c of clients) c.close();
      await server.close();
    },
  };
  return fixture;
}

/** Sleeps (bounded, for "nothing happens" checks). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` (sync or async) every 25 ms until it holds; throws after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
