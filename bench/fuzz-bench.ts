/**
 * What protocol fuzz costs the members it does not come from: two joined, publishing members
 * of a channel server process heartbeat every 200 ms, first on a quiet server, then while a
 * pool of sockets sends generated and mutated frames (the fuzz test's generator) for as long.
 * Prints both phases' heartbeat RTT p50 / p99 and the ratio fuzz / quiet (the hardening goal:
 * p99 within 2×), the fuzz rate, and the server's RSS before and after.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FuzzSummary } from '../test/helpers/protocol-fuzz';
import { FUZZ_CHANNEL, FUZZ_SECRET, startFuzzBed, type FuzzBed } from '../test/node/server/helpers/fuzz-bed';
import { fmt, percentile, printTable } from './stats';
import { busyShareBetween, cpuTotals } from '../src/lab/machine-load';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Each member pings this often: 100 RTT samples per member and second. */
const HEARTBEAT_MS = 10;
const child = fileURLToPath(new URL('./fuzz-child.ts', import.meta.url));

/**
 * A process that keeps one core busy for `ms` and sends nothing: what the flat-out sender costs
 * this 2-core machine besides its frames (a real sender is on another machine).
 */
function busyCore(ms: number): Promise<void> {
  const proc = spawn(process.execPath, ['-e', `const end = Date.now() + ${ms}; while (Date.now() < end);`], {
    stdio: 'ignore',
  });
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', () => resolve());
  });
}

/** Runs the sender in its own process (see fuzz-child.ts); resolves with its summary. */
function fuzzInChild(url: string, maxMs: number, ratePerSecond: number | null): Promise<FuzzSummary> {
  const options = {
    url,
    frames: 10_000_000,
    pool: 8,
    seed: 1,
    secret: FUZZ_SECRET,
    channel: FUZZ_CHANNEL,
    maxMs,
    ...(ratePerSecond === null ? {} : { ratePerSecond }),
  };
  const proc = spawn(process.execPath, ['--import', 'tsx', child], {
    env: { ...process.env, FAULTLINE_FUZZ: JSON.stringify(options) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  proc.stdout.on('data', (chunk: Buffer) => (out += String(chunk)));
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as FuzzSummary);
      else reject(new Error(`fuzz sender exited with ${code}`));
    });
  });
}

interface Phase {
  name: string;
  /** Share of both cores busy (every process), and of one core the server used, over the phase. */
  machineBusy: number;
  serverCpu: number;
  rtts: number[];
  missed: number;
  summary: FuzzSummary | null;
  seconds: number;
}

/**
 * One phase: quiet (`rate` undefined), a busy core and no frames (`rate` 'busy'), or fuzz at
 * `rate` frames/s (null: flat out).
 */
async function phase(bed: FuzzBed, name: string, ms: number, rate?: number | null | 'busy'): Promise<Phase> {
  const mark = bed.mark();
  const started = performance.now();
  const cpuBefore = cpuTotals();
  const serverBefore = await bed.serverCpuMs();
  const summary =
    rate === undefined
      ? (await sleep(ms), null)
      : rate === 'busy'
        ? (await busyCore(ms), null)
        : await fuzzInChild(bed.url, ms, rate);
  const seconds = (performance.now() - started) / 1000;
  const machineBusy = busyShareBetween(cpuBefore, cpuTotals());
  const serverCpu = ((await bed.serverCpuMs()) - serverBefore) / 1000 / seconds;
  await sleep(500); // the last pongs of the phase
  const rtts = bed.members.flatMap((member, i) => member.rtts.slice(mark.rttsFrom[i]));
  const missed = bed.members.reduce(
    (n, member, i) => n + (member.pings - mark.pingsFrom[i]!) - (member.rtts.length - mark.rttsFrom[i]!),
    0,
  );
  return { name, machineBusy, serverCpu, rtts, missed, summary, seconds };
}

/** Runs the fuzz bench (`--quick`: 5 s phases instead of 20 s). */
export async function benchFuzz({ quick }: { quick: boolean }): Promise<void> {
  const phaseMs = quick ? 5000 : 20_000;
  const bed = await startFuzzBed(HEARTBEAT_MS);
  try {
    await sleep(1000);
    const rssBefore = await bed.serverRss();
    const phases = [
      await phase(bed, 'quiet', phaseMs),
      await phase(bed, 'a busy core, no frames', phaseMs, 'busy'),
      await phase(bed, 'fuzz 1,000 frames/s', phaseMs, 1000),
      await phase(bed, 'fuzz flat out', phaseMs, null),
    ];
    const rssAfter = await bed.serverRss();
    const quietP99 = percentile(phases[0]!.rtts, 99);
    printTable(
      `Protocol fuzz: heartbeat RTT of two publishing members (${phaseMs / 1000} s per phase, sender in its own process)`,
      [
        'phase',
        'frames/s',
        'sockets',
        'machine busy',
        'server CPU',
        'pongs',
        'unanswered',
        'p50 ms',
        'p99 ms',
        'p99 / quiet',
      ],
      phases.map((p) => [
        p.name,
        p.summary ? fmt(p.summary.frames / p.seconds, 0) : '0',
        p.summary?.sockets ?? 0,
        `${fmt(p.machineBusy * 100, 0)} %`,
        `${fmt(p.serverCpu * 100, 0)} %`,
        p.rtts.length,
        p.missed,
        fmt(percentile(p.rtts, 50)),
        fmt(percentile(p.rtts, 99)),
        `${fmt(percentile(p.rtts, 99) / quietP99, 2)}×`,
      ]),
    );
    console.log(
      `  goal: p99 within 2× of quiet; server RSS ${fmt(rssBefore / 2 ** 20, 0)} → ${fmt(rssAfter / 2 ** 20, 0)} MiB`,
    );
  } finally {
    await bed.close();
  }
}
