/**
 * The connection manager with media: two clients through the real channel server and its
 * werift SFU on loopback. A publisher's synthetic audio/video reaches an auto-subscribing
 * client, which decodes it and records stats; media survives a server restart (rejoin,
 * republish, resubscribe); leave/dispose stop everything.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sfuFactory } from '../../../src/lab/server/sfu/sfu';
import type { EngineName } from '../../../src/lab/clients/engines';
import { makeClient, Records, startServer, testTiming, waitFor, type TestServer } from './helpers';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

const timing = testTiming();

async function withSfu(port = 0, log?: string[]): Promise<TestServer> {
  const srv = await startServer(timing, port, {
    media: sfuFactory({ host: '127.0.0.1' }),
    ...(log
      ? { log: (level: string, msg: string) => void (level !== 'debug' && log.push(`${level}: ${msg}`)) }
      : {}),
  });
  return srv;
}

type Loose = Record<string, unknown>;

/** Stats records of `uid` recorded after index `from`. */
function statsOf(records: Records, uid: number, from = 0): Loose[] {
  return (records.all.slice(from) as unknown as Loose[]).filter((r) => r.type === 'stats' && r.uid === uid);
}

const sub = (r: Loose | undefined) =>
  ((r?.raw ?? {}) as Record<string, Record<string, number> | undefined>).sub;
const num = (v: unknown) => (typeof v === 'number' ? v : 0);
/** `raw.sub.fromPeers`: packets per publisher UID and kind. */
const fromPeersOf = (r: Loose | undefined) =>
  (sub(r) as unknown as { fromPeers?: Record<string, Record<string, number>> } | undefined)?.fromPeers ?? {};

async function pair(srv: TestServer, records: Records, pubEngine: EngineName = 'wrtc') {
  const a = makeClient(srv.url, 1, timing, records, { engine: pubEngine });
  const b = makeClient(srv.url, 2, timing, records);
  cleanup.push(
    () => a.dispose(),
    () => b.dispose(),
  );
  await a.join();
  await b.join();
  return { a, b };
}

describe.each(['wrtc', 'werift'] as const)('publisher on %s → SFU → wrtc subscriber', (engine) => {
  it('publishes; the other client auto-subscribes, decodes and records stats', async () => {
    const serverLog: string[] = [];
    const srv = await withSfu(0, serverLog);
    cleanup.push(() => srv.server.close());
    const records = new Records();
    const { a } = await pair(srv, records, engine);
    try {
      const t0 = performance.now();
      await a.publish(['audio', 'video']);
      await waitFor(
        () => records.of('peer', 2).filter((r) => r.event === 'user-published' && r.peer === 1).length === 2,
        5000,
        'user-published audio+video at uid 2',
      );
      await waitFor(() => num(sub(statsOf(records, 2).at(-1))?.framesDecoded) > 0, 15_000, 'decoded frames');
      const firstFrameMs = performance.now() - t0;
      await waitFor(() => num(statsOf(records, 2).at(-1)?.recvKbps) > 10, 10_000, 'receive bitrate at uid 2');
      await waitFor(() => num(statsOf(records, 1).at(-1)?.sendKbps) > 10, 10_000, 'send bitrate at uid 1');
      // Inbound packets are attributed to their publisher and kind (the offer's msid/SSRC).
      const fromPeers = fromPeersOf(statsOf(records, 2).at(-1));
      expect(Object.keys(fromPeers)).toEqual(['1']);
      expect(num(fromPeers['1']!['audio'])).toBeGreaterThan(0);
      expect(num(fromPeers['1']!['video'])).toBeGreaterThan(0);
      expect(fromPeers['1']!['audio']! + fromPeers['1']!['video']!).toBe(
        sub(statsOf(records, 2).at(-1))?.packetsReceived,
      );
      expect(
        srv.server
          .members('room')
          .find((m) => m.uid === 1)
          ?.published.sort(),
      ).toEqual(['audio', 'video']);
      expect(records.of('media', 2).some((r) => r.event === 'ice-state' && r.pc === 'sub')).toBe(true);
      // Signal records name message types only: no SDP bodies anywhere.
      expect(JSON.stringify(records.all)).not.toContain('v=0');
      console.log(
        `[${engine}] publish → first decoded frame at the subscriber: ${firstFrameMs.toFixed(0)} ms`,
      );

      await a.unpublish(['video']);
      await waitFor(
        () =>
          records
            .of('peer', 2)
            .some(
              (r) => r.event === 'user-unpublished' && r.mediaType === 'video' && r.reason === 'unpublish',
            ),
        5000,
        'user-unpublished video',
      );
    } catch (err) {
      console.log(serverLog.join('\n'));
      throw err;
    }
  });
});

describe('subscriber on werift', () => {
  it('receives RTP from a wrtc publisher through the SFU (no decoder: packets and bitrate)', async () => {
    const srv = await withSfu();
    cleanup.push(() => srv.server.close());
    const records = new Records();
    const a = makeClient(srv.url, 1, timing, records);
    const b = makeClient(srv.url, 2, timing, records, { engine: 'werift' });
    cleanup.push(
      () => a.dispose(),
      () => b.dispose(),
    );
    await a.join();
    await b.join();
    await a.publish(['audio', 'video']);
    await waitFor(
      () => num(sub(statsOf(records, 2).at(-1))?.packetsReceived) > 50,
      15_000,
      'packets at uid 2',
    );
    await waitFor(() => num(statsOf(records, 2).at(-1)?.recvKbps) > 10, 10_000, 'receive bitrate at uid 2');
    expect(statsOf(records, 2).at(-1)?.raw).toMatchObject({ engine: 'werift' });
    const fromPeers = fromPeersOf(statsOf(records, 2).at(-1));
    expect(Object.keys(fromPeers), 'werift attributes inbound RTP to its publisher').toEqual(['1']);
  });
});

describe('media across interruptions', () => {
  it('server restart: both rejoin, the publisher republishes, the subscriber decodes again', async () => {
    let srv = await withSfu();
    cleanup.push(() => srv.server.close());
    const records = new Records();
    const { a, b } = await pair(srv, records);
    await a.publish(['audio', 'video']);
    await waitFor(() => num(sub(statsOf(records, 2).at(-1))?.framesDecoded) > 0, 15_000, 'decoded before');
    await srv.server.close();
    await waitFor(() => a.state === 'RECONNECTING' && b.state === 'RECONNECTING', 3000, 'both RECONNECTING');
    const port = srv.port;
    srv = await withSfu(port);
    await waitFor(() => a.state === 'CONNECTED' && b.state === 'CONNECTED', 5000, 'both CONNECTED');
    const mark = records.all.length;
    const t0 = performance.now();
    // Only stats sampled after both rejoined count (the sub PC is new: its counters restart).
    await waitFor(
      () => statsOf(records, 2, mark).some((r) => num(sub(r)?.framesDecoded) > 0),
      15_000,
      'decoding again after the rejoin',
    );
    console.log(`media decoded again ${(performance.now() - t0).toFixed(0)} ms after both rejoined`);
    await waitFor(
      () => srv.server.members('room').find((m) => m.uid === 1)?.published.length === 2,
      5000,
      'republished',
    );
    for (const uid of [1, 2]) {
      expect(records.of('state', uid).at(-1)).toMatchObject({ to: 'CONNECTED', cause: 'REJOIN_SUCCESS' });
    }
  });

  it('leave and dispose stop media: no records after dispose', async () => {
    const srv = await withSfu();
    cleanup.push(() => srv.server.close());
    const records = new Records();
    const { a, b } = await pair(srv, records);
    await a.publish(['audio']);
    await waitFor(() => num(statsOf(records, 2).at(-1)?.recvKbps) > 0, 15_000, 'audio flowing');
    await a.dispose();
    await b.dispose();
    const n = records.all.length;
    await new Promise((r) => setTimeout(r, 600));
    expect(records.all.slice(n)).toEqual([]);
    expect(a.state).toBe('DISCONNECTED');
  });
});
