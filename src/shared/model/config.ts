/**
 * Every duration in the lab comes from one {@link LabTiming} object and is multiplied by its
 * `timeScale`, so a 20 s rule runs in 2 s under test without changing behaviour.
 */
import { z } from 'zod';

/** Reconnect policy of the connection manager: exponential backoff with jitter, cap, budget. */
export const ReconnectPolicySchema = z.object({
  /** Delay before the first rejoin retry after a failed rejoin. */
  baseDelayMs: z.number().nonnegative().default(1000),
  /** Multiplier per failed attempt. */
  factor: z.number().min(1).default(2),
  /** Upper bound on one delay. */
  maxDelayMs: z.number().nonnegative().default(30_000),
  /** Random spread as a fraction of the delay (0.2 → ±20 %). */
  jitter: z.number().min(0).max(1).default(0.2),
  /** Total time spent RECONNECTING before giving up (seed default: 20 min). */
  budgetMs: z
    .number()
    .positive()
    .default(20 * 60_000),
  /** Light probe period while RECONNECTING (noticing the path is back is cheap). */
  probeIntervalMs: z.number().positive().default(500),
  /** A probe (socket open) that has not succeeded by then counts as failed. */
  probeTimeoutMs: z.number().positive().default(1500),
});

/** Timing and limits shared by the server, the clients and the scenario runner. */
export const LabTimingSchema = z.object({
  /** Factor applied to every duration below and to scenario step times. */
  timeScale: z.number().positive().max(100).default(1),
  /** Client heartbeat (`ping`) period. */
  heartbeatIntervalMs: z.number().positive().default(2000),
  /** Server removes a member silent for this long (`user-left` ServerTimeOut). */
  heartbeatTimeoutMs: z.number().positive().default(20_000),
  /** Server reports `user-unpublished` (no-media) after this long without RTP. */
  mediaTimeoutMs: z.number().positive().default(10_000),
  /** Client declares an interruption when the server has been silent this long. */
  livenessTimeoutMs: z.number().positive().default(4500),
  /** A `join` that has no answer by then fails with NETWORK_ERROR. */
  joinTimeoutMs: z.number().positive().default(10_000),
  /** Stats sampler period. */
  statsIntervalMs: z.number().positive().default(1000),
  /** Lifetime of tokens the lab issues. */
  tokenTtlMs: z.number().positive().default(3600_000),
  /** The server warns (`token-will-expire`) this long before `exp`. */
  tokenWarningMs: z.number().positive().default(30_000),
  reconnect: ReconnectPolicySchema.default(ReconnectPolicySchema.parse({})),
});

/** Timing of a lab; see {@link LabTimingSchema}. */
export type LabTiming = z.infer<typeof LabTimingSchema>;
/** Reconnect policy; see {@link ReconnectPolicySchema}. */
export type ReconnectPolicy = z.infer<typeof ReconnectPolicySchema>;
/** What a caller may pass: every field optional, nested policy optional too. */
export type LabTimingInput = z.input<typeof LabTimingSchema>;

/** Fills defaults and validates a timing object (throws a ZodError on bad input). */
export function resolveTiming(input: LabTimingInput = {}): LabTiming {
  return LabTimingSchema.parse(input);
}

/** A model-time duration in real milliseconds under `timing.timeScale`. */
export function scaled(timing: Pick<LabTiming, 'timeScale'>, ms: number): number {
  return ms * timing.timeScale;
}
