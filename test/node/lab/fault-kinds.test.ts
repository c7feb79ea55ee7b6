/**
 * Every fault kind through the lab, on real connections: what the connection manager and the
 * remote peer do about it, and what the stats show. The injector's own promises (20 % loss
 * drops ~20 %, latency adds its delay, …) are tested in test/node/faults.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Lab } from '../../../src/lab/lab';
import type { StatsRecord, TraceRecord } from '../../../src/shared';
import { peerEvents, records, transitions, waitFor, waitForTransition } from '../../helpers/wait';
import { parseClientFault } from '../../../src/shared/model/faults';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.dispose();
  lab = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** UID 1 publishing, UID 2 subscribed, both CONNECTED and media flowing. */
async function call(timeScale = 0.1): Promise<Lab> {
  lab = await Lab.create({ timing: { timeScale, statsIntervalMs: 500 / timeScale } });
  await lab.addParticipant({ uid: 1 });
  await lab.addParticipant({ uid: 2 });
  await lab.join(1);
  await lab.join(2);
  await lab.publish(1, ['audio', 'video']);
  const l = lab;
  await waitFor(() => recvKbps(records(l), 2).some((k) => k > 20), 'UID 2 to receive media');
  return l;
}

function stats(list: TraceRecord[], uid: number, since = 0, until = Infinity): StatsRecord[] {
  return list.filter(
    (r): r is StatsRecord => r.type === 'stats' && r.uid === uid && r.t >= since && r.t <= until,
  );
}
function recvKbps(list: TraceRecord[], uid: number, since = 0, until = Infinity): number[] {
  return stats(list, uid, since, until).map((s) => s.recvKbps ?? 0);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

describe('fault kinds against a live call', () => {
  it('blackhole on signaling only: RECONNECTING by missed heartbeats, back after clear', async () => {
    const l = await call();
    const id = l.applyFault(1, parseClientFault({ kind: 'blackhole', path: 'signaling' }));
    await waitForTransition(l, 1, 'CONNECTED>RECONNECTING');
    expect(
      records(l).find((r) => r.type === 'state' && r.uid === 1 && r.to === 'RECONNECTING'),
    ).toMatchObject({ cause: expect.stringMatching(/heartbeat|pong|silen/) });
    await l.clearFault(id);
    await waitForTransition(l, 1, 'RECONNECTING>CONNECTED');
  });

  it('blackhole on media only: stays CONNECTED and recovers by ICE restart', async () => {
    const l = await call(1);
    const id = l.applyFault(1, parseClientFault({ kind: 'blackhole', path: 'media' }));
    await waitFor(
      () => records(l).some((r) => r.type === 'media' && r.uid === 1 && r.event === 'media-reconnect-start'),
      'media-reconnect-start',
      30_000,
    );
    await l.clearFault(id);
    await waitFor(
      () =>
        records(l).some(
          (r) =>
            r.type === 'media' && r.uid === 1 && r.event === 'media-reconnect-end' && r.value === 'connected',
        ),
      'media-reconnect-end',
      30_000,
    );
    expect(transitions(l, 1)).not.toContain('CONNECTED>RECONNECTING');
  }, 60_000);

  it('reset: the socket dies, the client rejoins at once and keeps its membership', async () => {
    const l = await call();
    l.applyFault(1, parseClientFault({ kind: 'reset' }));
    await waitForTransition(l, 1, 'RECONNECTING>CONNECTED');
    expect(peerEvents(l, 2, 1)).not.toContain('user-left');
  });

  it('latency: still CONNECTED, and the measured RTT grows by about the added delay', async () => {
    const l = await call(1);
    await sleep(2500);
    const before = median(stats(records(l), 1).map((s) => s.rttMs ?? 0));
    const start = l.recorder.elapsed();
    const id = l.applyFault(1, parseClientFault({ kind: 'latency', ms: 100, path: 'all' }));
    await sleep(6000);
    const during = stats(records(l), 1, start + 2000)
      .map((s) => s.rttMs)
      .filter((v): v is number => v !== null);
    await l.clearFault(id);
    expect(during.length).toBeGreaterThan(0);
    expect(Math.max(...during)).toBeGreaterThan(before + 150);
    expect(transitions(l, 1)).not.toContain('CONNECTED>RECONNECTING');
  }, 30_000);

  it('loss: still CONNECTED, and the stats report loss', async () => {
    const l = await call(1);
    const start = l.recorder.elapsed();
    const id = l.applyFault(1, parseClientFault({ kind: 'loss', pct: 30, direction: 'up' }));
    await sleep(5000);
    await l.clearFault(id);
    const lossy = [...stats(records(l), 1, start), ...stats(records(l), 2, start)].map((s) => s.lossPct ?? 0);
    expect(Math.max(...lossy)).toBeGreaterThan(5);
    expect(transitions(l, 1)).not.toContain('CONNECTED>RECONNECTING');
  }, 30_000);

  it('bandwidth: what UID 2 receives drops to about the limit', async () => {
    const l = await call(1);
    await sleep(2500);
    const before = median(recvKbps(records(l), 2));
    const start = l.recorder.elapsed();
    const id = l.applyFault(
      1,
      parseClientFault({ kind: 'bandwidth', kbps: 48, path: 'media', direction: 'up' }),
    );
    await sleep(5000);
    const during = median(recvKbps(records(l), 2, start + 1500));
    await l.clearFault(id);
    expect(before).toBeGreaterThan(100);
    expect(during).toBeLessThan(before / 2);
    expect(during).toBeLessThan(48 * 1.5);
  }, 30_000);

  it('refuse: no rejoin gets through while the server is unreachable; it does after clear', async () => {
    const l = await call();
    const hole = l.applyFault(1, parseClientFault({ kind: 'blackhole', path: 'all' }));
    await waitForTransition(l, 1, 'CONNECTED>RECONNECTING');
    const refuse = l.applyFault(1, parseClientFault({ kind: 'refuse' }));
    await l.clearFault(hole);
    const since = l.recorder.elapsed();
    await sleep(1500); // 15 probe periods at this scale: every probe is refused
    expect(l.client(1).state).toBe('RECONNECTING');
    expect(
      records(l).some((r) => r.type === 'reconnect' && r.uid === 1 && r.phase === 'success' && r.t > since),
    ).toBe(false);
    await l.clearFault(refuse);
    await waitForTransition(l, 1, 'RECONNECTING>CONNECTED');
  });

  it('ip-change: the client reappears from a new address and keeps its membership', async () => {
    const l = await call();
    l.applyFault(1, parseClientFault({ kind: 'ip-change' }));
    await waitForTransition(l, 1, 'RECONNECTING>CONNECTED');
    const since = l.recorder.elapsed();
    await waitFor(
      () => recvKbps(records(l), 2, since).some((k) => k > 20),
      'media to UID 2 after the switch',
    );
    expect(peerEvents(l, 2, 1)).not.toContain('user-left');
  });

  it('server crash: a real kill; clients reconnect once it is started again', async () => {
    const l = await call();
    const [pid] = l.childPids();
    await l.serverCrash();
    expect(() => process.kill(pid!, 0)).toThrow();
    await waitForTransition(l, 1, 'CONNECTED>RECONNECTING');
    await waitForTransition(l, 2, 'CONNECTED>RECONNECTING');
    await l.serverStart();
    await waitForTransition(l, 1, 'RECONNECTING>CONNECTED');
    await waitForTransition(l, 2, 'RECONNECTING>CONNECTED');
    const faults = records(l)
      .filter((r) => r.type === 'fault')
      .map((r) => (r.type === 'fault' ? `${r.kind}:${r.phase}` : ''));
    expect(faults).toEqual(['server-crash:start', 'server-crash:end']);
  });
});
