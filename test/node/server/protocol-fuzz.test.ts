/**
 * Protocol fuzz: 10,000 generated and mutated frames against a live channel server process
 * with two joined, publishing members. The server must not crash, must keep serving the two
 * (every heartbeat answered, video still decoded, neither socket closed), must keep accepting
 * joins, and its RSS must stay bounded. The RTT cost of fuzzing (p99 with / without) is a
 * timing figure, so `npm run bench -- --only=fuzz` measures it, not this test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFuzz, fuzzFrame, seededRandom } from '../../helpers/protocol-fuzz';
import { isAlive } from '../../helpers/process';
import { FUZZ_CHANNEL, startFuzzBed, type FuzzBed } from './helpers/fuzz-bed';
import { TestClient } from './helpers/ws-client';

const FRAMES = 10_000;
/** Generous: the server's RSS may grow by its caches and the fuzz sockets' buffers, not without bound. */
const RSS_GROWTH_BOUND = 256 * 1024 * 1024;

let bed: FuzzBed;
beforeAll(async () => {
  bed = await startFuzzBed();
}, 60_000);
afterAll(async () => {
  await bed?.close();
});

describe('protocol fuzz', () => {
  it('the generator is seeded and covers the mutations', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const framesA = Array.from({ length: 500 }, () => fuzzFrame(a));
    expect(Array.from({ length: 500 }, () => fuzzFrame(b))).toEqual(framesA);
    const parsed = framesA.map((frame) => {
      try {
        return JSON.parse(frame) as unknown;
      } catch {
        return undefined;
      }
    });
    expect(parsed.filter((value) => value === undefined).length).toBeGreaterThan(20); // cut-off JSON
    const objects = parsed.filter(
      (v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v),
    );
    expect(objects.some((o) => o['type'] === 'join')).toBe(true);
    expect(objects.some((o) => typeof o['type'] !== 'string')).toBe(true);
    expect(framesA.some((f) => f.length > 2000)).toBe(true); // deep nesting or huge strings
  });

  it('survives 10,000 fuzz frames: no crash, both members served, RSS bounded', async () => {
    const pid = bed.server.pid!;
    const rssBefore = await bed.serverRss();
    const framesBefore = bed.decodedFrames();
    const mark = bed.mark();
    const summary = await runFuzz({
      url: bed.url,
      frames: FRAMES,
      pool: 8,
      seed: 20261206,
      token: bed.token,
      channel: FUZZ_CHANNEL,
      maxMs: 150_000,
    });
    expect(summary.frames).toBe(FRAMES);
    // The frames did reach the server's error paths: it closed sockets for protocol errors.
    expect(summary.closes[4000] ?? 0).toBeGreaterThan(100);
    const rssAfter = await bed.serverRss();
    // One more heartbeat each after the fuzz: the members are still served.
    for (const member of bed.members) await member.client.ping(10_000);
    expect(isAlive(pid)).toBe(true);
    for (const [i, member] of bed.members.entries()) {
      expect(member.client.closeInfo).toBeNull();
      const sent = member.pings - mark.pingsFrom[i]!;
      const answered = member.rtts.length - mark.rttsFrom[i]!;
      // Every heartbeat of the fuzz phase was answered (the last one may still be in flight).
      expect(answered).toBeGreaterThanOrEqual(sent - 1);
    }
    await bed.members[1].client.until(
      () => bed.decodedFrames() > framesBefore,
      10_000,
      'more decoded frames',
    );
    expect(rssAfter - rssBefore).toBeLessThan(RSS_GROWTH_BOUND);
    // And it still admits a newcomer.
    const late = await TestClient.connect(bed.url);
    late.send({ type: 'join', channel: FUZZ_CHANNEL, uid: 3, token: bed.token(3) });
    await late.next('joined');
    late.close();
    console.log(
      `fuzz: ${summary.frames} frames over ${summary.sockets} sockets, closes ${JSON.stringify(summary.closes)}, server RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssAfter / 2 ** 20).toFixed(0)} MiB`,
    );
  }, 240_000);
});
