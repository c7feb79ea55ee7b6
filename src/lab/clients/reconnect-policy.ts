/**
 * The reconnect policy, pure: exponential backoff with jitter and a cap for rejoins that FAIL,
 * and a budget for the whole RECONNECTING episode (docs/MODEL.md "Rejoin (RECONNECTING)"). Noticing
 * that the path is back (the probe) is not governed by backoff.
 */
import { scaled, type LabTiming, type ReconnectPolicy } from '../../shared';
import { mulberry32, type Random } from '../../shared/random';

/** A source of uniform numbers in [0, 1). */
export type RandomSource = Random;

/** A seedable PRNG so tests and replays get the same jitter every time (see shared/random). */
export const seededRandom: (seed: number) => RandomSource = mulberry32;

/** The policy with every duration in real milliseconds (× timeScale). */
export function scaledPolicy(timing: LabTiming): ReconnectPolicy {
  const p = timing.reconnect;
  return {
    ...p,
    baseDelayMs: scaled(timing, p.baseDelayMs),
    maxDelayMs: scaled(timing, p.maxDelayMs),
    budgetMs: scaled(timing, p.budgetMs),
    probeIntervalMs: scaled(timing, p.probeIntervalMs),
    probeTimeoutMs: scaled(timing, p.probeTimeoutMs),
  };
}

/**
 * Delay before the next rejoin after `failures` failed rejoins (failures ≥ 1; 0 → no delay):
 * `min(maxDelay, base × factor^(failures−1))`, then spread by ±jitter, never negative and
 * never above the cap.
 */
export function backoffDelay(
  policy: Pick<ReconnectPolicy, 'baseDelayMs' | 'factor' | 'maxDelayMs' | 'jitter'>,
  failures: number,
  random: RandomSource = Math.random,
): number {
  if (!Number.isFinite(failures) || failures <= 0) return 0;
  const raw = policy.baseDelayMs * Math.pow(policy.factor, failures - 1);
  const capped = Math.min(policy.maxDelayMs, raw);
  const spread = capped * policy.jitter * (2 * random() - 1);
  return Math.max(0, Math.min(policy.maxDelayMs, capped + spread));
}

/**
 * The bookkeeping of one RECONNECTING episode: attempts, failures, the earliest time the next
 * rejoin may start, and whether the budget is spent. Time comes from the caller (`now`).
 */
export class ReconnectSchedule {
  private failuresSoFar = 0;
  private attemptsSoFar = 0;
  private notBefore: number;

  /**
   * @param policy the policy in real milliseconds (see {@link scaledPolicy})
   * @param startedAt when the episode began (ms, caller's clock)
   * @param random jitter source
   */
  constructor(
    readonly policy: ReconnectPolicy,
    readonly startedAt: number,
    private readonly random: RandomSource = Math.random,
  ) {
    this.notBefore = startedAt;
  }

  /** Rejoins started so far. */
  get attempts(): number {
    return this.attemptsSoFar;
  }

  /** Rejoins that failed so far. */
  get failures(): number {
    return this.failuresSoFar;
  }

  /** When the budget runs out (ms, caller's clock). */
  get deadline(): number {
    return this.startedAt + this.policy.budgetMs;
  }

  /** True once the budget is spent at `now`. */
  exhausted(now: number): boolean {
    return now >= this.deadline;
  }

  /** Milliseconds until a rejoin may start (0 when it may start now). */
  waitBefore(now: number): number {
    return Math.max(0, this.notBefore - now);
  }

  /** Marks the start of a rejoin; returns its attempt number (from 1). */
  start(): number {
    this.attemptsSoFar += 1;
    return this.attemptsSoFar;
  }

  /** Marks a failed rejoin at `now`; returns the backoff delay before the next one. */
  fail(now: number): number {
    this.failuresSoFar += 1;
    const delay = backoffDelay(this.policy, this.failuresSoFar, this.random);
    this.notBefore = now + delay;
    return delay;
  }
}
