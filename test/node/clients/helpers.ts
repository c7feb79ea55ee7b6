/** Shared helpers of the connection-manager tests (loopback only). */
import type { LabTiming, LabTimingInput, RecordInput } from '../../../src/shared';
import { resolveTiming } from '../../../src/shared';
import { Client, type ClientOptions } from '../../../src/lab/clients/client';
import { seededRandom } from '../../../src/lab/clients/reconnect-policy';
import { DirectPath } from '../../../src/lab/network-path';
import { ChannelServer } from '../../../src/lab/server/channel-server';
import { signToken } from '../../../src/lab/server/tokens';

/** Records one test collected, with typed access to loose fields. */
export class Records {
  readonly all: RecordInput[] = [];
  readonly sink = (r: RecordInput): void => {
    this.all.push(r);
  };

  /** Records of a type (fields read loosely). */
  of(type: string, uid?: number): Array<Record<string, unknown>> {
    return (this.all as unknown as Array<Record<string, unknown>>).filter(
      (r) => r.type === type && (uid === undefined || r.uid === uid),
    );
  }

  /** `from>to` strings of a uid's state records, with reason/cause when present. */
  states(uid: number): string[] {
    return this.of('state', uid).map(
      (r) => `${String(r.from)}>${String(r.to)}${r.reason ? `:${String(r.reason)}` : ''}`,
    );
  }
}

/** Lab timing for tests: everything × 0.1 unless overridden. */
export function testTiming(input: LabTimingInput = {}): LabTiming {
  return resolveTiming({ timeScale: 0.1, ...input });
}

/** Waits until `pred` holds, polling; throws with `what` after `ms`. */
export async function waitFor(pred: () => boolean, ms: number, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const SECRET = 'test-secret-for-clients';
export const CHANNEL = 'room';

/** A token for `uid` valid for an hour (or `expSec` seconds from now; negative = expired). */
export function token(uid: number, expSec = 3600, channel = CHANNEL): string {
  return signToken(SECRET, { channel, uid, role: 'host', exp: Math.floor(Date.now() / 1000) + expSec });
}

/** A running in-process server (signaling only unless `media` is passed). */
export interface TestServer {
  server: ChannelServer;
  port: number;
  url: string;
}

/** Starts a ChannelServer on loopback (optionally on a given port, e.g. after a restart). */
export async function startServer(
  timing: LabTiming,
  port = 0,
  extra: Partial<ConstructorParameters<typeof ChannelServer>[0]> = {},
): Promise<TestServer> {
  const server = new ChannelServer({ secret: SECRET, timing, host: '127.0.0.1', port, ...extra });
  const { port: bound, url } = await server.start();
  return { server, port: bound, url };
}

/** A client on a DirectPath to `url`, recording into `records`. */
export function makeClient(
  url: string,
  uid: number,
  timing: LabTiming,
  records: Records,
  more: Partial<ClientOptions> = {},
): Client {
  return new Client({
    uid,
    channel: CHANNEL,
    token: () => token(uid),
    path: new DirectPath(url),
    timing,
    sink: records.sink,
    random: seededRandom(uid),
    ...more,
  });
}
