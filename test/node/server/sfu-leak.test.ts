/**
 * Join → publish → subscribe → leave cycles leave nothing behind in the channel server: its
 * bookkeeping returns to zero and every closed server peer connection becomes garbage.
 * The subscriber asks for video while the server still awaits the answer to its audio offer
 * (what a lab client with `subscribe: auto` does as `user-published` arrives per kind): werift
 * then marks the video transceiver stopped without stopping its sender, whose RTCP loop kept
 * the closed connection alive forever before `SfuPeer.close()` stopped every sender itself.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import type { SfuPeer } from '../../../src/lab/server/sfu/peer';
import { sfuFactory } from '../../../src/lab/server/sfu/sfu';
import { startServer, waitFor, type Fixture } from './helpers/server';
import { Publisher, Subscriber } from './helpers/wrtc-media';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const CYCLES = 6;

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

/** One member pair's life: join, publish, subscribe kind by kind, first frames, leave. */
async function cycle(fixture: Fixture): Promise<void> {
  const pubSide = await fixture.join('room', 1);
  const subSide = await fixture.join('room', 2);
  const keepAlive = setInterval(() => {
    pubSide.client.send({ type: 'ping', ts: 0 });
    subSide.client.send({ type: 'ping', ts: 0 });
  }, 100);
  const publisher = new Publisher(pubSide.client, ['audio', 'video']);
  const subscriber = new Subscriber(subSide.client);
  try {
    publisher.feed(10_000);
    await publisher.publish();
    const off = subSide.client.onMessage((message) => {
      if (message.type === 'sdp' && message.pc === 'sub') {
        off();
        subscriber.subscribe(1, ['video']);
      }
    });
    subscriber.subscribe(1, ['audio']);
    await waitFor(() => subscriber.framesFrom(1) >= 3, 15_000, 'decoded frames');
    pubSide.client.send({ type: 'leave' });
    subSide.client.send({ type: 'leave' });
    await waitFor(() => fixture.server.members('room').length === 0, 5000, 'both left');
  } finally {
    clearInterval(keepAlive);
    publisher.close();
    subscriber.close();
    pubSide.client.close();
    subSide.client.close();
  }
}

describe('channel server leaks', () => {
  it(`${CYCLES} join/publish/subscribe/leave cycles: stats back to zero, every server PC collected`, async () => {
    const peers: Array<WeakRef<SfuPeer['pc']>> = [];
    const factory = sfuFactory({ host: '127.0.0.1', onPeer: (peer) => peers.push(new WeakRef(peer.pc)) });
    const fixture = await startServer({ media: factory });
    fx = fixture;
    for (let i = 0; i < CYCLES; i++) await cycle(fixture);

    const zero = { members: 0, openPcs: 0, closingPcs: 0, subscriptions: 0, sinks: 0 };
    await waitFor(
      () => {
        const stats = fixture.server.stats();
        return stats.sessions === 0 && stats.media.closingPcs === 0;
      },
      10_000,
      'sockets and peer connections closed',
    );
    expect(fixture.server.stats()).toMatchObject({
      sessions: 0,
      joinDeadlines: 0,
      addresses: 0,
      pendingInputErrors: 0,
      members: 0,
      boundSessions: 0,
      media: zero,
    });
    expect(peers.length).toBe(CYCLES * 2);
    // WeakRefs clear only after a GC and a turn of the event loop: retry a few times.
    await waitFor(
      async () => {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 50));
        return peers.every((ref) => ref.deref() === undefined);
      },
      15_000,
      'closed server peer connections to be garbage-collected',
    ).catch(() => {
      const alive = peers.filter((ref) => ref.deref() !== undefined).length;
      throw new Error(`${alive} of ${peers.length} closed server peer connections are still retained`);
    });
  });
});
