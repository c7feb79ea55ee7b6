/**
 * Lab-level figures for both engines: join latency for 1/10/50 clients, detection latency
 * (fault start → RECONNECTING), recovery time (network back → CONNECTED), and SFU CPU per
 * forwarded stream (server process CPU with 1 publisher and k subscribers).
 */
import pidusage from 'pidusage';
import { Lab, type EngineName } from '../src/lab/lab';
import type { StateRecord, TraceRecord } from '../src/shared';
import { fmt, mean, percentile, printTable } from './stats';
import { parseClientFault } from '../src/shared/model/faults';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function stateRecords(records: TraceRecord[], uid: number): StateRecord[] {
  return records.filter((r): r is StateRecord => r.type === 'state' && r.uid === uid);
}

async function waitUntil(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

/** Join latency (CONNECTING → CONNECTED) of `count` clients joining at once. */
export async function joinLatency(engine: EngineName, count: number): Promise<number[]> {
  const lab = await Lab.create({ engine, timing: { timeScale: 1 } });
  try {
    for (let uid = 1; uid <= count; uid++) await lab.addParticipant({ uid, autoSubscribe: false });
    await Promise.all(lab.uids().map((uid) => lab.join(uid)));
    const records = lab.recorder.snapshot();
    return lab.uids().map((uid) => {
      const states = stateRecords(records, uid);
      const start = states.find((r) => r.to === 'CONNECTING')!;
      const done = states.find((r) => r.to === 'CONNECTED')!;
      return done.t - start.t;
    });
  } finally {
    await lab.dispose();
  }
}

/** One blackhole of `outageMs` on a publishing UID 1: detection and recovery, real ms. */
export async function detectionAndRecovery(
  engine: EngineName,
  outageMs: number,
): Promise<{ detectionMs: number; recoveryMs: number }> {
  const lab = await Lab.create({ engine, timing: { timeScale: 1 } });
  try {
    await lab.addParticipant({ uid: 1 });
    await lab.addParticipant({ uid: 2 });
    await lab.join(1);
    await lab.join(2);
    await lab.publish(1, ['audio', 'video']);
    await sleep(1500);
    const id = lab.applyFault(1, parseClientFault({ kind: 'blackhole', path: 'all' }), outageMs);
    const find = (pred: (r: TraceRecord) => boolean) => lab.recorder.snapshot().find(pred);
    await waitUntil(
      () => !!find((r) => r.type === 'fault' && r.id === id && r.phase === 'end'),
      outageMs + 5000,
    );
    await waitUntil(() => lab.client(1).state === 'CONNECTED', 15_000);
    const records = lab.recorder.snapshot();
    const start = records.find((r) => r.type === 'fault' && r.id === id && r.phase === 'start')!;
    const end = records.find((r) => r.type === 'fault' && r.id === id && r.phase === 'end')!;
    const states = stateRecords(records, 1);
    const reconnecting = states.find((r) => r.to === 'RECONNECTING' && r.t >= start.t);
    const connected = states.find((r) => r.to === 'CONNECTED' && r.t >= end.t);
    return {
      detectionMs: reconnecting ? reconnecting.t - start.t : Number.NaN,
      recoveryMs: connected ? connected.t - end.t : Number.NaN,
    };
  } finally {
    await lab.dispose();
  }
}

/** Server CPU (% of one core) with one publisher and `subscribers` subscribers, over `windowMs`. */
export async function sfuCpu(engine: EngineName, subscribers: number, windowMs: number): Promise<number> {
  const lab = await Lab.create({ engine, timing: { timeScale: 1 }, injectFaults: false });
  try {
    await lab.addParticipant({ uid: 1 });
    for (let i = 0; i < subscribers; i++) await lab.addParticipant({ uid: 100 + i });
    for (const uid of lab.uids()) await lab.join(uid);
    await lab.publish(1, ['audio', 'video']);
    await sleep(3000); // let every subscription connect and settle
    const pid = lab.childPids()[0]!;
    const before = await pidusage(pid);
    await sleep(windowMs);
    const after = await pidusage(pid);
    pidusage.clear();
    return ((after.ctime - before.ctime) / (after.timestamp - before.timestamp)) * 100;
  } finally {
    await lab.dispose();
  }
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  const num = xs.reduce((acc, x, i) => acc + (x - mx) * (ys[i]! - my), 0);
  const den = xs.reduce((acc, x) => acc + (x - mx) ** 2, 0);
  return den === 0 ? Number.NaN : num / den;
}

/** Runs the lab figures for both engines and prints them. */
export async function benchLab(options: { quick: boolean }): Promise<void> {
  const engines: EngineName[] = ['wrtc', 'werift'];
  // Warm-up: module loading and the first server start are not what a join costs.
  for (const engine of engines) await joinLatency(engine, 2);
  const counts = options.quick ? [1, 10] : [1, 10, 50];
  const joinRows: Array<Array<string | number>> = [];
  for (const engine of engines) {
    for (const count of counts) {
      const latencies = await joinLatency(engine, count);
      joinRows.push([
        engine,
        count,
        fmt(percentile(latencies, 50)),
        fmt(percentile(latencies, 95)),
        fmt(Math.max(...latencies)),
      ]);
    }
  }
  printTable(
    'Join latency (CONNECTING → CONNECTED, ms, clients joining at once)',
    ['engine', 'clients', 'p50', 'p95', 'max'],
    joinRows,
  );

  const reps = options.quick ? 1 : 3;
  const recoveryRows: Array<Array<string | number>> = [];
  for (const engine of engines) {
    for (const outageMs of [6000, 25_000].slice(0, options.quick ? 1 : 2)) {
      const runs = [];
      for (let i = 0; i < reps; i++) runs.push(await detectionAndRecovery(engine, outageMs));
      recoveryRows.push([
        engine,
        outageMs / 1000,
        fmt(mean(runs.map((r) => r.detectionMs)), 0),
        fmt(mean(runs.map((r) => r.recoveryMs)), 0),
        reps,
      ]);
    }
  }
  printTable(
    'Detection latency (fault start → RECONNECTING) and recovery time (network back → CONNECTED), ms, timeScale 1',
    ['engine', 'outage s', 'detection', 'recovery', 'runs'],
    recoveryRows,
  );

  const cpuRows: Array<Array<string | number>> = [];
  for (const engine of engines) {
    const ks = options.quick ? [1, 3] : [1, 3, 6];
    const cpu = [];
    for (const k of ks) cpu.push(await sfuCpu(engine, k, options.quick ? 3000 : 5000));
    const perStream = slope(ks, cpu);
    cpuRows.push([engine, ...cpu.map((c) => fmt(c)), fmt(perStream, 2)]);
  }
  printTable(
    'SFU CPU (% of one core; 1 publisher audio+video, k subscribers; per stream = least-squares slope)',
    ['client engine', 'k=1', 'k=3', options.quick ? '' : 'k=6', 'per extra stream'].filter(Boolean),
    cpuRows,
  );
}
