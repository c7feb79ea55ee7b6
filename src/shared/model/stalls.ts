/**
 * When the lab's own clock slips. Every timeout of the model is scaled by `timeScale`, but an
 * event loop that stalls (a busy CPU, a browser starting, a long GC) stalls for real
 * milliseconds: at time scale 0.1 a 480 ms stall is 4.8 s of model time, longer than the 4.5 s
 * liveness timeout, so a client can go RECONNECTING with no network fault at all. The lab
 * measures its event loops and records a `stall` whenever one is blocked for more than a
 * quarter of the smallest scaled timeout in force; the checker treats what such a stall
 * overlaps as unreliable, and a run is warned before it starts when the stalls the machine
 * showed while the lab started would be that long.
 */
import type { LabTiming } from './config';
import { SAFE_TIME_SCALE, type EngineName } from './engines';

/** The share of the smallest scaled timeout past which a stall is recorded. */
export const STALL_FRACTION = 0.25;
/** Stalls shorter than this (real ms) are never recorded: timer and GC noise at any scale. */
export const STALL_FLOOR_MS = 50;

/** The timeouts whose expiry is an interruption; the smallest decides the stall threshold. */
const TIMEOUTS = [
  ['liveness', 'livenessTimeoutMs'],
  ['media watchdog', 'mediaTimeoutMs'],
  ['join', 'joinTimeoutMs'],
  ['heartbeat', 'heartbeatTimeoutMs'],
] as const;

/** The smallest interruption timeout in force, in model ms, with its name. */
export function smallestTimeout(timing: LabTiming): { name: string; ms: number } {
  let best: { name: string; ms: number } = { name: TIMEOUTS[0][0], ms: timing[TIMEOUTS[0][1]] };
  for (const [name, key] of TIMEOUTS) if (timing[key] < best.ms) best = { name, ms: timing[key] };
  return best;
}

/** Real ms past which a stall is recorded under `timing` (never below {@link STALL_FLOOR_MS}). */
export function stallThresholdMs(timing: LabTiming): number {
  const realTimeout = smallestTimeout(timing).ms * timing.timeScale;
  return Math.max(STALL_FLOOR_MS, Math.round(STALL_FRACTION * realTimeout));
}

/** Who stalled, for people. */
export function stallSubject(source: 'lab' | 'server' | 'page', uid: number | null): string {
  if (source === 'server') return 'the channel server';
  if (source === 'page') return uid === null ? 'a browser page' : `uid ${uid}'s browser page`;
  return 'the lab';
}

/** Seconds with up to two decimals ("4.8 s", "12.35 s"). */
function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}

/**
 * One sentence about a stall, e.g. "the lab stalled 480 ms (real) at t = 12.35 s; at time scale
 * 0.1 that is 4.8 s of model time".
 */
export function describeStall(
  stall: { source: 'lab' | 'server' | 'page'; uid: number | null; ms: number; t: number; cpuMs?: number },
  timeScale: number,
): string {
  const what = `${stallSubject(stall.source, stall.uid)} stalled ${Math.round(stall.ms)} ms (real) at t = ${seconds(stall.t)}`;
  const scaled =
    timeScale === 1
      ? what
      : `${what}; at time scale ${timeScale} that is ${seconds(stall.ms / timeScale)} of model time`;
  return stall.cpuMs === undefined ? scaled : `${scaled} (${cpuShare(stall.ms, stall.cpuMs)})`;
}

/** Whether a stalled process was busy itself or waited for a core. */
function cpuShare(ms: number, cpuMs: number): string {
  const share = ms > 0 ? cpuMs / ms : 0;
  if (share >= 0.7) return `busy on its own work: ${Math.round(cpuMs)} ms on CPU`;
  if (share <= 0.3)
    return `waiting for a CPU: ${Math.round(cpuMs)} ms on CPU, the machine was busy elsewhere`;
  return `${Math.round(cpuMs)} ms of it on CPU`;
}

/** The time scales offered as "safe", smallest first. */
const SCALE_LADDER = [0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10];

/** The smallest ladder scale ≥ `scale` (the largest ladder step when none is). */
function roundUpScale(scale: number): number {
  return SCALE_LADDER.find((s) => s >= scale - 1e-9) ?? SCALE_LADDER[SCALE_LADDER.length - 1]!;
}

/** What {@link assessTimeScale} concludes. */
export interface TimeScaleAssessment {
  /** The run's scale is at or above {@link safeScale}. */
  ok: boolean;
  timeScale: number;
  /** The smallest scale at which this machine's stalls and this participant mix hold. */
  safeScale: number;
  /** The worst stall measured (real ms), if any was measured. */
  worstStallMs: number | null;
  /** One or two sentences for a person (empty when ok). */
  message: string;
}

/**
 * Whether a run at `timing.timeScale` can trust its timeouts on this machine: the worst stall
 * measured while the lab started must stay under {@link STALL_FRACTION} of the smallest scaled
 * timeout, and each engine in the mix needs its own handshake floor ({@link SAFE_TIME_SCALE}).
 */
export function assessTimeScale(
  timing: LabTiming,
  engines: readonly EngineName[],
  worstStallMs: number | null,
): TimeScaleAssessment {
  const timeout = smallestTimeout(timing);
  const engineFloor = Math.max(0, ...engines.map((e) => SAFE_TIME_SCALE[e]));
  const stallFloor =
    worstStallMs === null || worstStallMs <= STALL_FLOOR_MS
      ? 0
      : worstStallMs / (STALL_FRACTION * timeout.ms);
  const safeScale = roundUpScale(Math.max(engineFloor, stallFloor));
  const ok = timing.timeScale >= safeScale - 1e-9;
  if (ok) return { ok, timeScale: timing.timeScale, safeScale, worstStallMs, message: '' };
  const reasons: string[] = [];
  if (stallFloor > timing.timeScale) {
    reasons.push(
      `this machine stalled up to ${Math.round(worstStallMs ?? 0)} ms (real) while the lab started; at time scale ${timing.timeScale} that is ${seconds((worstStallMs ?? 0) / timing.timeScale)} of model time against a ${timeout.name} timeout of ${seconds(timeout.ms)}`,
    );
  }
  const slowEngines = engines.filter((e) => SAFE_TIME_SCALE[e] > timing.timeScale);
  if (slowEngines.length > 0) {
    reasons.push(
      `${[...new Set(slowEngines)].join(' and ')} handshakes and encoder start-up take real time no scale shortens`,
    );
  }
  return {
    ok,
    timeScale: timing.timeScale,
    safeScale,
    worstStallMs,
    message: `time scale ${timing.timeScale} is below what this machine can keep for this participant mix (${reasons.join('; ')}); the smallest safe scale here is ${safeScale}`,
  };
}
