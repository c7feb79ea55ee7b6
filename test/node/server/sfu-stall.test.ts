/**
 * The SFU's peer connections must survive a stalling server. Under load (10 wrtc publishers
 * fully meshed on 2 shared cores, test/node/scale/fifty-members.test.ts) the server's event
 * loop stalls 0.6–1.9 s; werift waited 0.5–1 s for a consent reply, so replies read after a
 * stall were dropped and server PCs went `failed` (3 of 20 in 30 s there before the fix; that
 * test is the reproduction). Here the loop of the in-process server is blocked 1.5 s at every
 * turn for 40 s — the way packet work blocks it, inside the poll phase — and no server PC may
 * fail, no `media-reset` may be sent, and media must flow on the same PCs afterwards. (werift's
 * own reply wait also adapts to a uniformly slow loop — 2 × the last RTT — so this pattern alone
 * passed before the fix too: it guards the robustness, fifty-members the regression.) ~45 s.
 */
import { createSocket } from 'node:dgram';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { afterEach, expect, it } from 'vitest';
import { resolveTiming } from '../../../src/shared/model/config';
import { sfuFactory } from '../../../src/main/lab/server/sfu/sfu';
import { startServer, waitFor, type Fixture } from './helpers/server';
import { Publisher, Subscriber } from './helpers/wrtc-media';

/** Each turn of the event loop is blocked this long while stalling. */
const STALL_MS = 1500;
/** How long the loop is kept stalled (werift's consent expiry is 30 s). */
const STALLED_FOR_MS = 40_000;

let fx: Fixture;
const closers: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) c.close();
  await fx?.dispose();
});

/**
 * Blocks the event loop for `stallMs` at every turn until `forMs` passed, the way heavy packet
 * work does: inside the poll phase (a worker thread keeps a local UDP socket readable and its
 * handler blocks), so that a reply landing on another socket meanwhile is read only after the
 * turn's due timers ran. Atomics.wait blocks without spinning a core.
 */
async function stallLoop(stallMs: number, forMs: number): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
     const s = require('node:dgram').createSocket('udp4');
     setInterval(() => s.send('x', workerData.port, '127.0.0.1'), 20);`,
    { eval: true, workerData: { port: socket.address().port } },
  );
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const until = performance.now() + forMs;
  let stalledThisTurn = false;
  await new Promise<void>((resolve) => {
    socket.on('message', () => {
      if (performance.now() >= until) return resolve();
      // Once per turn (the datagrams queued during a stall are read right after it).
      if (stalledThisTurn) return;
      stalledThisTurn = true;
      setImmediate(() => (stalledThisTurn = false));
      Atomics.wait(cell, 0, 0, stallMs);
    });
  });
  await worker.terminate();
  socket.close();
}

it('server PCs stay connected through 40 s of 1.5 s event-loop stalls', async () => {
  // Model timing at scale 1: heartbeat timeout 20 s, media watchdog 10 s — longer than a stall.
  fx = await startServer({ media: sfuFactory({ host: '127.0.0.1' }), timing: resolveTiming({}) });
  const a = await fx.join('room', 1);
  const b = await fx.join('room', 2);
  const keepAlive = setInterval(() => {
    a.client.send({ type: 'ping', ts: 0 });
    b.client.send({ type: 'ping', ts: 0 });
  }, 500);
  closers.push({ close: () => clearInterval(keepAlive) });
  const publisher = new Publisher(a.client, ['audio', 'video']);
  const subscriber = new Subscriber(b.client);
  closers.push(publisher, subscriber);
  publisher.feed(60_000);
  await publisher.publish();
  subscriber.subscribe(1, ['audio', 'video']);
  await waitFor(() => subscriber.framesFrom(1) >= 5, 10_000, 'first frames');

  const delay = monitorEventLoopDelay({ resolution: 20 });
  delay.enable();
  await stallLoop(STALL_MS, STALLED_FOR_MS);
  delay.disable();
  console.log(
    `event loop delay while stalled: p50 ${(delay.percentile(50) / 1e6).toFixed(0)} ms, ` +
      `p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms, max ${(delay.max / 1e6).toFixed(0)} ms`,
  );

  const failed = fx.events.filter((e) => e.type === 'pc' && e.state === 'failed');
  expect(failed.map((e) => e.message)).toEqual([]);
  expect(publisher.resets).toBe(0);
  expect(subscriber.resets).toBe(0);
  // Media flows once the loop runs freely again (the same PCs: nothing was rebuilt).
  const before = subscriber.framesFrom(1);
  await waitFor(() => subscriber.framesFrom(1) >= before + 10, 10_000, 'frames after the stalls');
}, 75_000);
