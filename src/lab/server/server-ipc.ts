/**
 * The IPC contract between `ServerProcess` (parent) and `server-main` (the child running the
 * channel server): options passed in an environment variable, commands down, events up. Each
 * side parses what it receives with these schemas.
 */
import { z } from 'zod';
import { LabTimingSchema } from '../../shared/model/config';
import { ChannelLimitsSchema } from './limits';

/** Environment variable carrying the child's options as JSON (keeps the secret out of argv). */
export const SERVER_OPTIONS_ENV = 'FAULTLINE_SERVER_OPTIONS';

/** Options of the child server. */
export const ChildOptionsSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(0),
  secret: z.string().min(1).nullable(),
  timing: LabTimingSchema,
  /** Run the werift SFU (default) or signaling only. */
  media: z.boolean().default(true),
  /** Overrides of the server's input limits (limits.ts). */
  limits: ChannelLimitsSchema.optional(),
});
/** Parsed child options. */
export type ChildOptions = z.infer<typeof ChildOptionsSchema>;

/** Parent → child commands; each has an `id` the child acknowledges. */
export const ParentCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ban-uid'), id: z.number(), channel: z.string(), uid: z.number() }),
  z.object({ type: z.literal('ban-channel'), id: z.number(), channel: z.string() }),
  z.object({ type: z.literal('expire-token'), id: z.number(), channel: z.string(), uid: z.number() }),
  z.object({ type: z.literal('accepting'), id: z.number(), accepting: z.boolean() }),
  z.object({ type: z.literal('shutdown'), id: z.number() }),
  /** Blocks the child's event loop for `ms` (≤ 5 s): proves its stall monitor in tests. */
  z.object({ type: z.literal('spin'), id: z.number(), ms: z.number().min(0).max(5000) }),
]);
/** A parent → child command. */
export type ParentCommand = z.infer<typeof ParentCommandSchema>;

/** Child → parent messages. */
export const ChildMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), port: z.number(), url: z.string() }),
  z.object({ type: z.literal('start-failed'), code: z.string().optional(), message: z.string() }),
  z.object({ type: z.literal('ack'), id: z.number(), ok: z.boolean(), error: z.string().optional() }),
  /** A ServerEvent, passed through as is (the parent trusts its own child's shape). */
  z.object({
    type: z.literal('event'),
    event: z.looseObject({ type: z.string(), level: z.string(), message: z.string() }),
  }),
]);
/** A child → parent message. */
export type ChildMessage = z.infer<typeof ChildMessageSchema>;
