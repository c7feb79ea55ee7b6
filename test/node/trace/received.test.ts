/** Reading what a client received back from its stats records, across sub PC replacements. */
import { describe, expect, it } from 'vitest';
import type { StatsRecord } from '../../../src/shared';
import { packetsFromPeer, subPacketsReceived, totalAcrossRestarts } from '../../../src/shared/trace/received';

const sample = (seq: number, sub: Record<string, unknown> | undefined): StatsRecord =>
  ({
    seq,
    t: seq * 1000,
    type: 'stats',
    uid: 2,
    rttMs: null,
    lossPct: null,
    jitterMs: null,
    sendKbps: null,
    recvKbps: null,
    raw: sub ? { engine: 'wrtc', sub } : { engine: 'wrtc' },
  }) as StatsRecord;

describe('received counters', () => {
  it('adds the increases of a cumulative counter, a drop counting as a restart from zero', () => {
    expect(totalAcrossRestarts([])).toBe(0);
    expect(totalAcrossRestarts([10, 25, 40])).toBe(40);
    // 40 → 5: a new sub PC that already received 5.
    expect(totalAcrossRestarts([10, 40, 5, 30])).toBe(70);
    expect(totalAcrossRestarts([0, 0, 0])).toBe(0);
  });

  it('reads sub packets and per-publisher packets, ignoring samples without them', () => {
    const records = [
      sample(1, undefined),
      sample(2, { packetsReceived: 100, fromPeers: { '1': { audio: 60, video: 40 } } }),
      sample(3, { packetsReceived: 250, fromPeers: { '1': { audio: 120, video: 100 }, '3': { audio: 30 } } }),
      // The sub PC was replaced: counters restart.
      sample(4, { packetsReceived: 20, fromPeers: { '1': { audio: 20 } } }),
      sample(5, { packetsReceived: 'junk', fromPeers: 'junk' }),
    ];
    expect(subPacketsReceived(records)).toBe(250 + 20);
    expect(packetsFromPeer(records, 1, 'audio')).toBe(120 + 20);
    expect(packetsFromPeer(records, 1, 'video')).toBe(100);
    expect(packetsFromPeer(records, 3, 'audio')).toBe(30);
    expect(packetsFromPeer(records, 3, 'video')).toBe(0);
    expect(packetsFromPeer(records, 9, 'audio')).toBe(0);
  });
});
