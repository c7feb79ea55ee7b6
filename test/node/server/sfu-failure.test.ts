/**
 * The slow path: a peer connection that dies without a word. werift declares it `failed` only
 * after its 30 s consent timeout (docs/WEBRTC.md "Consent freshness and the 30 s expiry"); the
 * server then closes its side, says so with `media-reset`, and media recovers once the clients
 * rebuild. One test, ~35 s.
 */
import { afterEach, expect, it } from 'vitest';
import { sfuFactory } from '../../../src/lab/server/sfu/sfu';
import { startServer, waitFor, type Fixture } from './helpers/server';
import { Publisher, Subscriber } from './helpers/wrtc-media';

let fx: Fixture;
const closers: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) c.close();
  await fx?.dispose();
});

it('server PCs that went silent fail after werift consent expiry → media-reset → media recovers', async () => {
  fx = await startServer({ media: sfuFactory({ host: '127.0.0.1' }) });
  const a = await fx.join('room', 1);
  const b = await fx.join('room', 2);
  const keepAlive = setInterval(() => {
    a.client.send({ type: 'ping', ts: 0 });
    b.client.send({ type: 'ping', ts: 0 });
  }, 100);
  closers.push({ close: () => clearInterval(keepAlive) });
  const publisher = new Publisher(a.client, ['video']);
  const subscriber = new Subscriber(b.client);
  closers.push(publisher, subscriber);
  publisher.feed(50_000);
  await publisher.publish();
  subscriber.subscribe(1, ['video']);
  await waitFor(() => subscriber.framesFrom(1) >= 5, 8000, 'first frames');

  // Both clients' PCs vanish without signaling (as when a process hangs or a NAT forgets them).
  const killedAt = performance.now();
  publisher.link.close();
  subscriber.link.close();
  await b.client.next('user-unpublished', (m) => m.uid === 1 && m.reason === 'no-media', 3000);
  const afterNoMedia = b.client.received.length;

  const pubReset = await a.client.next('media-reset', (m) => m.pc === 'pub', 45_000);
  const subReset = await b.client.next('media-reset', (m) => m.pc === 'sub', 10_000);
  expect(pubReset.reason).toBe('failed');
  expect(subReset.reason).toBe('failed');
  const failedAfterMs = performance.now() - killedAt;
  console.log(`silent PCs reported failed after ${(failedAfterMs / 1000).toFixed(1)} s`);
  expect(failedAfterMs).toBeGreaterThan(20_000);
  // The report says why: consent expired on a pair that had been up (answered checks stopped).
  const failures = fx.events.filter((e) => e.type === 'pc' && e.state === 'failed');
  expect(failures.length).toBeGreaterThan(0);
  for (const failure of failures) {
    expect(failure.message).toMatch(
      /PC failed \(ice failed, dtls \w+, connected \d+\.\d s before, pair \S+ \w+ ↔ \S+ \w+, stun checks (\d+) sent \/ (\d+) answered/,
    );
    const [, sent, answered] = /stun checks (\d+) sent \/ (\d+) answered/.exec(failure.message)!;
    expect(Number(sent)).toBeGreaterThan(Number(answered));
  }

  // The helpers rebuild on media-reset: a new pub PC offers, the server offers a new sub PC.
  await b.client.next('user-published', (m) => m.uid === 1, 10_000, afterNoMedia);
  const before = subscriber.framesFrom(1);
  await waitFor(() => subscriber.framesFrom(1) >= before + 10, 10_000, 'frames after both PCs were rebuilt');
  expect(publisher.resets).toBe(1);
  expect(subscriber.resets).toBe(1);
}, 58_000);
