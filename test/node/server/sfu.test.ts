import { afterEach, describe, expect, it } from 'vitest';
import { sfuFactory } from '../../../src/main/lab/server/sfu/sfu';
import { startServer, type Fixture } from './helpers/server';
import { Publisher, Subscriber } from './helpers/wrtc-media';

let fx: Fixture;
const closers: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) c.close();
  await fx?.dispose();
});

async function waitFor(
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

describe('SFU', () => {
  it('forwards a wrtc publisher to a wrtc subscriber that decodes it', async () => {
    fx = await startServer({ media: sfuFactory({ host: '127.0.0.1' }) });
    const pubSide = await fx.join('room', 1);
    const subSide = await fx.join('room', 2);
    const publisher = new Publisher(pubSide.client, ['audio', 'video']);
    const subscriber = new Subscriber(subSide.client);
    closers.push(publisher, subscriber);
    const keepAlive = setInterval(() => {
      pubSide.client.send({ type: 'ping', ts: 0 });
      subSide.client.send({ type: 'ping', ts: 0 });
    }, 100);
    closers.push({ close: () => clearInterval(keepAlive) });

    const t0 = performance.now();
    publisher.feed(6000);
    await publisher.publish();
    await subSide.client.next('user-published', (m) => m.uid === 1 && m.kind === 'video');
    subscriber.subscribe(1, ['audio', 'video']);
    await waitFor(() => subscriber.framesFrom(1) >= 10, 8000, '10 decoded frames');
    const firstFrameMs = subscriber.firstFrameAt.get(1)! - t0;
    await waitFor(async () => (await subscriber.packetsReceived('audio')) > 20, 5000, 'audio packets');
    expect(subscriber.tracks.map((t) => `${t.kind}:${t.uid}`).sort()).toEqual(['audio:1', 'video:1']);
    console.log(`publish → first decoded frame at subscriber: ${firstFrameMs.toFixed(0)} ms`);
  });
});
