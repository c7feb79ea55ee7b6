/**
 * The channel server's limits on what a network may send it (docs/PROTOCOL.md, "Limits"): how
 * long a socket may stay unjoined, how fast one socket may send frames, how many sockets one
 * address may hold open, how many input-error events reach the log per second, and which
 * browser origins may connect. Every limit has a default that the lab's own load stays far
 * below; a caller overrides any of them with {@link ChannelLimitsInput}.
 */
import { z } from 'zod';
import { scaled, type LabTiming } from '../../shared/model/config';

/** The limits a {@link ChannelServer} enforces; see each field for its default. */
export interface ChannelLimits {
  /**
   * Real ms a socket may stay unjoined (counted from its open, or from the moment it stopped
   * being joined: `leave`, heartbeat timeout) before it is closed (1000), whatever it sends
   * meanwhile. Default: the scaled `heartbeatTimeoutMs` (20 s at time scale 1), the same
   * window a silent unjoined socket had before; the lab's clients send `join` at once and give
   * up on it after `joinTimeoutMs` (10 s), well inside it.
   */
  joinDeadlineMs: number;
  /**
   * Frames per second one socket may send on average (a token bucket's refill). Default 200:
   * a lab client heartbeats every 2 s × time scale (10/s at 0.05) and sends a few candidates
   * and one `subscribe` per peer.
   */
  frameRate: number;
  /**
   * Frames one socket may send at once (the bucket's size). A frame beyond it closes the
   * socket with 4005. Default 1000: a client that joins a full scenario channel (200
   * participants) subscribes to at most 199 peers at once.
   */
  frameBurst: number;
  /**
   * Open sockets (and handshakes under way) per remote address; more are refused with HTTP
   * 429 before the upgrade. Default 8192: every lab client and load member connects from
   * 127.0.0.1, and the scale bench's saturation ramp reaches 1600 members there (its next step
   * would be 3200).
   */
  maxSocketsPerAddress: number;
  /**
   * Input-error events (protocol errors, BAD_REQUEST, NOT_JOINED, refused joins and
   * handshakes) emitted one by one per second, server-wide, at most one per socket or address
   * per second. The rest, and every frame dropped unread, are counted and reported once a
   * second as an `input-summary` event ("N bad frames from session S in the last second").
   * Default 50.
   */
  errorEventsPerSecond: number;
  /**
   * Browser origins allowed to connect (`scheme://host[:port]`, compared without case), or
   * null for any. A handshake whose `Origin` header is not listed is refused with HTTP 403; one
   * without `Origin` (not a browser: the lab's clients, tools) is always let through, since
   * anything but a browser can send whatever `Origin` it likes. Default null.
   */
  allowedOrigins: string[] | null;
}

/** What a caller may pass: any subset of {@link ChannelLimits}; the rest take their defaults. */
export type ChannelLimitsInput = Partial<ChannelLimits>;

const Origin = z
  .string()
  .min(1)
  .max(512)
  .refine((value) => value === 'null' || /^[a-z][a-z0-9+.-]*:\/\/[^/\s]+$/i.test(value), {
    message: 'an origin is scheme://host[:port] (no path) or "null"',
  });

/** Schema of {@link ChannelLimitsInput} (the child process's options carry it as JSON). */
export const ChannelLimitsSchema = z
  .object({
    joinDeadlineMs: z.number().positive().max(3_600_000),
    frameRate: z.number().positive().max(1_000_000),
    frameBurst: z.number().int().min(1).max(1_000_000),
    maxSocketsPerAddress: z.number().int().min(1).max(1_000_000),
    errorEventsPerSecond: z.number().int().min(0).max(100_000),
    allowedOrigins: z.array(Origin).max(1000).nullable(),
  })
  .partial()
  .strict();

/** Default frames per second of one socket. */
export const DEFAULT_FRAME_RATE = 200;
/** Default burst of one socket. */
export const DEFAULT_FRAME_BURST = 1000;
/** Default sockets per remote address. */
export const DEFAULT_MAX_SOCKETS_PER_ADDRESS = 8192;
/** Default input-error events per second. */
export const DEFAULT_ERROR_EVENTS_PER_SECOND = 50;

/**
 * Fills the defaults (the join deadline follows `timing`) and checks the values; throws an
 * error naming the bad field.
 */
export function resolveLimits(timing: LabTiming, input: ChannelLimitsInput = {}): ChannelLimits {
  const parsed = ChannelLimitsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `bad channel server limit ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const given = parsed.data;
  return {
    joinDeadlineMs: given.joinDeadlineMs ?? scaled(timing, timing.heartbeatTimeoutMs),
    frameRate: given.frameRate ?? DEFAULT_FRAME_RATE,
    frameBurst: given.frameBurst ?? DEFAULT_FRAME_BURST,
    maxSocketsPerAddress: given.maxSocketsPerAddress ?? DEFAULT_MAX_SOCKETS_PER_ADDRESS,
    errorEventsPerSecond: given.errorEventsPerSecond ?? DEFAULT_ERROR_EVENTS_PER_SECOND,
    allowedOrigins: given.allowedOrigins?.map((origin) => origin.toLowerCase()) ?? null,
  };
}
