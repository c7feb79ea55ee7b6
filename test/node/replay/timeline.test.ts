import { describe, expect, it } from 'vitest';
import { buildTimeline, stateAt } from '../../../src/shared/replay';
import { Records, seed } from './build';

describe('stateAt on the seed timeline', () => {
  const records = seed().list;

  it('is empty before the first record', () => {
    const s = stateAt(records, -1);
    expect(s).toMatchObject({ t: -1, seq: null, uids: [], observers: [], faults: [] });
  });

  it('shows both clients connected and publishing before the fault', () => {
    const s = stateAt(records, 3000);
    expect(s.uids.map((u) => [u.uid, u.state])).toEqual([
      [1, 'CONNECTED'],
      [2, 'CONNECTED'],
    ]);
    expect(s.faults).toEqual([]);
    expect(s.observers).toEqual([
      { observer: 1, peers: [{ peer: 2, since: 420, published: ['video'], receiving: null }] },
      { observer: 2, peers: [{ peer: 1, since: 410, published: ['audio', 'video'], receiving: null }] },
    ]);
  });

  it('shows the fault, the reconnecting client with its cause, and what the observer still believes', () => {
    const s = stateAt(records, 12_000);
    expect(s.faults.map((f) => [f.id, f.kind, f.startT, f.target.uid])).toEqual([
      ['f1', 'blackhole', 5000, 1],
    ]);
    expect(s.uids[0]).toEqual({
      uid: 1,
      state: 'RECONNECTING',
      from: 'CONNECTED',
      since: 9500,
      cause: 'heartbeat timeout',
    });
    expect(s.observers[1]!.peers[0]!.published).toEqual(['audio', 'video']);
    expect(stateAt(records, 15_000).observers[1]!.peers[0]!.published).toEqual(['audio']);
    expect(stateAt(records, 15_001).observers[1]!.peers[0]!.published).toEqual([]);
    expect(stateAt(records, 25_000).observers[1]!.peers).toEqual([]);
  });

  it('shows recovery after the fault ends', () => {
    const s = stateAt(records, 40_000);
    expect(s.faults).toEqual([]);
    expect(s.uids[0]).toMatchObject({ state: 'CONNECTED', cause: 'REJOIN_SUCCESS', since: 30_500 });
    expect(s.observers[1]!.peers).toEqual([
      { peer: 1, since: 30_450, published: ['video'], receiving: null },
    ]);
  });

  it('precomputes change points (stats are not one) and answers any t by binary search', () => {
    const tl = buildTimeline(records);
    expect(tl.start).toBe(0);
    expect(tl.end).toBe(31_000);
    expect(tl.changes).not.toContain(2500);
    expect([...tl.changes]).toEqual([...tl.changes].sort((a, b) => a - b));
    for (const t of [0, 299, 300, 9499, 9500, 29_999, 30_000]) {
      expect(tl.at(t)).toEqual(stateAt(records, t));
    }
    expect(tl.at(9499).uids[0]!.state).toBe('CONNECTED');
    expect(tl.at(9500).uids[0]!.state).toBe('RECONNECTING');
  });

  it('accepts records out of order, odd peer events and a big trace', () => {
    const odd = new Records()
      .peer(50, 2, 'user-published', 1)
      .state(10, 1, 'DISCONNECTED', 'CONNECTING')
      .peer(60, 2, 'user-unpublished', 1)
      .peer(70, 2, 'user-left', 9).list;
    const s = stateAt(odd, 100);
    expect(s.uids[0]!.state).toBe('CONNECTING');
    expect(s.observers).toEqual([
      { observer: 2, peers: [{ peer: 1, since: 50, published: [], receiving: null }] },
    ]);
    expect(stateAt(odd, 55).observers[0]!.peers[0]!.published).toEqual(['media']);

    // The span covers every record, the ones that change nothing included, in any order.
    const logs = new Records()
      .add({ t: 900, type: 'log', uid: null, level: 'info', msg: 'last' })
      .state(10, 1, 'DISCONNECTED', 'CONNECTING')
      .add({ t: -5, type: 'log', uid: null, level: 'info', msg: 'first' }).list;
    expect([buildTimeline(logs).start, buildTimeline(logs).end]).toEqual([-5, 900]);
    expect(buildTimeline(logs).changes).toEqual([10]);
    expect([buildTimeline([]).start, buildTimeline([]).end]).toEqual([0, 0]);

    const big = new Records();
    for (let i = 0; i < 5000; i++) big.state(i * 10, 1 + (i % 3), 'CONNECTED', 'RECONNECTING');
    const tl = buildTimeline(big.list);
    expect(tl.changes.length).toBe(5000);
    expect(tl.at(49_995).uids.map((u) => u.since)).toEqual([49_980, 49_990, 49_970]);
  });
});

describe('what each observer was receiving', () => {
  /** UID 2 hears UID 1 publish, then samples its sub PC every second; video stops at 3 s. */
  const records = () => {
    const b = new Records()
      .peer(0, 2, 'user-joined', 1)
      .peer(10, 2, 'user-published', 1, { mediaType: 'audio' })
      .peer(11, 2, 'user-published', 1, { mediaType: 'video' });
    const counts = [
      { audio: 0, video: 0 },
      { audio: 50, video: 30 },
      { audio: 100, video: 60 },
      { audio: 150, video: 60 }, // video stopped
      { audio: 20 }, // a new sub PC: the counter restarted
    ];
    counts.forEach((c, i) =>
      b.add({ t: 1000 * (i + 1), type: 'stats', uid: 2, raw: { sub: { fromPeers: { '1': c, x: c } } } }),
    );
    return b.list;
  };

  it('gives packets per second by kind over the last stats interval at t', () => {
    const tl = buildTimeline(records());
    const at = (t: number) => tl.at(t).observers[0]!.peers[0]!.receiving;
    expect(at(1500)).toBeNull(); // one sample: no interval yet
    expect(at(2000)).toEqual({ audio: 50, video: 30 });
    expect(at(3999)).toEqual({ audio: 50, video: 30 });
    expect(at(4000)).toEqual({ audio: 50, video: 0 });
    expect(at(5000)).toEqual({ audio: 20 });
    expect(at(7001)).toBeNull(); // the last sample is older than twice its interval
  });

  it('is null for observers without per-publisher counters, and ignores keys that are not UIDs', () => {
    const tl = buildTimeline(records());
    expect(tl.at(2000).observers.map((o) => o.peers.map((p) => p.peer))).toEqual([[1]]);
    expect(
      stateAt(seed().list, 12_000).observers.every((o) => o.peers.every((p) => p.receiving === null)),
    ).toBe(true);
  });
});
