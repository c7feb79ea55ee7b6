/**
 * Many clients: join latency, heartbeat loss and server CPU/RSS for 10/50/200 signaling-only
 * members (heartbeats at the protocol interval, timeScale 1); SFU cost for 1/5/10 wrtc
 * publishers each subscribed by every other; and a ramp of members until join p95, heartbeat
 * loss or server CPU crosses its threshold (bounded in time). The measuring lives in
 * src/lab/load (reusable by tests).
 */
import { Lab } from '../src/lab/lab';
import { startUsage } from '../src/lab/load/process-usage';
import {
  DEFAULT_LIMITS,
  SignalingLoad,
  crossedLimit,
  type SignalingStep,
} from '../src/lab/load/signaling-load';
import type { StatsRecord } from '../src/shared';
import { packetsFromPeer } from '../src/shared/trace/received';
import { fmt, printTable } from './stats';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withLab<T>(engine: 'wrtc', run: (lab: Lab) => Promise<T>): Promise<T> {
  const lab = await Lab.create({ engine, injectFaults: false, timing: { timeScale: 1 } });
  try {
    return await run(lab);
  } finally {
    await lab.dispose();
  }
}

function loadOn(lab: Lab): SignalingLoad {
  return new SignalingLoad({
    url: lab.serverInfo().url,
    channel: lab.channel,
    token: (uid) => lab.issueToken(uid),
    serverPid: lab.childPids()[0]!,
  });
}

/** One signaling-only step in a fresh lab. */
async function signalingOnly(count: number, steadyMs: number): Promise<SignalingStep> {
  return withLab('wrtc', async (lab) => {
    const load = loadOn(lab);
    try {
      return await load.step(count, steadyMs);
    } finally {
      await load.dispose();
    }
  });
}

function stepRow(s: SignalingStep): Array<string | number> {
  return [
    s.members,
    fmt(s.joinP50),
    fmt(s.joinP95),
    fmt(s.joinP99),
    fmt(s.joinCpuPct),
    fmt(s.cpuPct),
    fmt(s.rssMiB, 0),
    fmt(s.heartbeatLossPct, 2),
    fmt(s.rttP95),
    s.timeouts,
    fmt(s.lateJoinMs),
  ];
}
const STEP_HEADER = [
  'members',
  'join p50',
  'p95',
  'p99',
  'CPU % joining',
  'CPU % steady',
  'RSS MiB',
  'hb loss %',
  'hb rtt p95',
  'timeouts',
  'late join',
];

/** Publishers' figures: SFU CPU/RSS over a window, streams forwarded, media check. */
interface PublisherRun {
  publishers: number;
  streams: number;
  cpuPct: number;
  rssMiB: number;
  /** Forwarded tracks (observer, publisher, kind) whose packets grew during the window. */
  receiving: number;
  /** Server PCs werift gave up during the run (consent timeouts under load). */
  pcFailures: number;
}

async function publishers(n: number, settleMs: number, windowMs: number): Promise<PublisherRun> {
  return withLab('wrtc', async (lab) => {
    for (let uid = 1; uid <= n; uid++) await lab.addParticipant({ uid, autoSubscribe: true });
    await Promise.all(lab.uids().map((uid) => lab.join(uid)));
    await Promise.all(lab.uids().map((uid) => lab.publish(uid, ['audio', 'video'])));
    await sleep(settleMs);
    const stats = (uid: number) =>
      lab.recorder.snapshot().filter((r): r is StatsRecord => r.type === 'stats' && r.uid === uid);
    const tracks = lab.uids().flatMap((observer) =>
      lab
        .uids()
        .filter((peer) => peer !== observer)
        .flatMap((peer) => (['audio', 'video'] as const).map((kind) => ({ observer, peer, kind }))),
    );
    const received = () => tracks.map((t) => packetsFromPeer(stats(t.observer), t.peer, t.kind));
    const before = received();
    const usage = await startUsage(lab.childPids()[0]!);
    await sleep(windowMs);
    const { cpuPct, rssMiB } = await usage.end();
    await sleep(1100); // one more stats sample
    const after = received();
    const pcFailures = lab.recorder
      .snapshot()
      .filter((r) => r.type === 'log' && /server (pub|sub) PC failed/.test(r.msg)).length;
    return {
      publishers: n,
      streams: n * (n - 1) * 2,
      cpuPct,
      rssMiB,
      receiving: after.filter((v, i) => v > before[i]!).length,
      pcFailures,
    };
  });
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const num = xs.reduce((acc, x, i) => acc + (x - mx) * (ys[i]! - my), 0);
  const den = xs.reduce((acc, x) => acc + (x - mx) ** 2, 0);
  return den === 0 ? Number.NaN : num / den;
}

/**
 * Adds members in doubling steps until a limit is crossed or the time budget would be spent
 * (a step costs about four times the previous one: every join is told to every member).
 */
async function ramp(
  steadyMs: number,
  budgetMs: number,
): Promise<{ rows: SignalingStep[]; seconds: number[]; stop: string }> {
  return withLab('wrtc', async (lab) => {
    const load = loadOn(lab);
    const rows: SignalingStep[] = [];
    const seconds: number[] = [];
    const deadline = Date.now() + budgetMs;
    let stop = 'time budget';
    try {
      let total = 0;
      let add = 200;
      let lastMs = 0;
      while (Date.now() + lastMs * 4 < deadline) {
        const started = Date.now();
        const step = await load.step(add, steadyMs);
        lastMs = Date.now() - started;
        rows.push(step);
        seconds.push(lastMs / 1000);
        total += add;
        const crossed = crossedLimit(step);
        if (crossed) {
          stop = `${crossed} at ${total} members`;
          break;
        }
        add = total; // double
      }
      if (stop === 'time budget') stop = `time budget: no limit crossed up to ${total} members`;
    } finally {
      await load.dispose();
    }
    return { rows, seconds, stop };
  });
}

/** Runs the scale figures and prints them. */
export async function benchScale({ quick = false }: { quick?: boolean } = {}): Promise<void> {
  const steadyMs = quick ? 2000 : 5000;
  const sigRows = [];
  for (const count of [10, 50, 200]) sigRows.push(stepRow(await signalingOnly(count, steadyMs)));
  printTable(
    `Signaling-only members (heartbeat 2 s, ${steadyMs / 1000} s steady; join ms at concurrency 16; server CPU % of one core)`,
    STEP_HEADER,
    sigRows,
  );

  const ns = quick ? [1, 5] : [1, 5, 10];
  const runs: PublisherRun[] = [];
  for (const n of ns) runs.push(await publishers(n, quick ? 1500 : 3000, quick ? 2500 : 5000));
  const perStream = slope(
    runs.map((r) => r.streams),
    runs.map((r) => r.cpuPct),
  );
  printTable(
    'wrtc publishers (audio+video), each subscribed by every other: SFU process',
    ['publishers', 'forwarded tracks', 'CPU %', 'RSS MiB', 'tracks receiving', 'server PC failures'],
    runs.map((r) => [
      r.publishers,
      r.streams,
      fmt(r.cpuPct),
      fmt(r.rssMiB, 0),
      r.publishers > 1 ? `${r.receiving}/${r.streams}` : '–',
      r.pcFailures,
    ]),
  );
  console.log(`  per forwarded track (least-squares slope): ${fmt(perStream, 2)} % of a core`);

  const { rows, seconds, stop } = await ramp(quick ? 2000 : 3000, quick ? 5000 : 130_000);
  printTable(
    `Saturation ramp (one lab, members doubling; limits: join p95 > ${DEFAULT_LIMITS.joinP95Ms} ms, heartbeat loss > ${DEFAULT_LIMITS.heartbeatLossPct} %, CPU > ${DEFAULT_LIMITS.cpuPct} %, any timeout or failed join)`,
    [...STEP_HEADER, 'gen gap ms', 'step s'],
    rows.map((r, i) => [...stepRow(r), fmt(r.maxPingGapMs - 2000, 0), fmt(seconds[i]!)]),
  );
  console.log(
    "  gen gap: longest lateness of one member's own heartbeat timer (the load generator's event loop)",
  );
  console.log(`  stopped: ${stop}`);
}
