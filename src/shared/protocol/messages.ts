/**
 * Channel protocol v1 (see docs/PROTOCOL.md): every message between a client and the channel
 * server, as zod schemas. Both ends parse what they receive with these before acting on it.
 */
import { z } from 'zod';

/** WebSocket path of protocol v1. */
export const PROTOCOL_PATH = '/v1/channel';
/** Largest text frame either side accepts. */
export const MAX_FRAME_BYTES = 64 * 1024;

/** Close codes of protocol v1. */
export const CloseCode = {
  PROTOCOL_ERROR: 4000,
  AUTH_FAILED: 4001,
  KICKED: 4002,
  REPLACED: 4003,
  SHUTTING_DOWN: 4004,
  /** The socket sent frames faster than the server's per-socket rate limit allows. */
  RATE_LIMITED: 4005,
} as const;

/** Media kinds a publisher can carry. */
export const MediaKindSchema = z.enum(['audio', 'video']);
/** `audio` or `video`. */
export type MediaKind = z.infer<typeof MediaKindSchema>;
/** Which of a client's two peer connections. */
export const PcNameSchema = z.enum(['pub', 'sub']);
/** `pub` or `sub`. */
export type PcName = z.infer<typeof PcNameSchema>;

const Uid = z
  .number()
  .int()
  .nonnegative()
  .max(2 ** 32 - 1);
const Id = z.string().max(64).optional();
const Kinds = z.array(MediaKindSchema).min(1).max(2);
const Description = z.object({ type: z.enum(['offer', 'answer']), sdp: z.string().max(60_000) });
const Candidate = z
  .object({
    candidate: z.string().max(1024),
    sdpMid: z.string().max(64).nullable().optional(),
    sdpMLineIndex: z.number().int().nonnegative().nullable().optional(),
    usernameFragment: z.string().max(256).nullable().optional(),
  })
  .nullable();

/** Client → server messages. */
export const ClientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('join'),
    id: Id,
    channel: z.string().min(1).max(64),
    uid: Uid,
    token: z.string().max(4096),
    resume: z.string().max(256).optional(),
  }),
  z.object({ type: z.literal('leave'), id: Id }),
  z.object({ type: z.literal('ping'), id: Id, ts: z.number() }),
  z.object({ type: z.literal('publish'), id: Id, kinds: Kinds }),
  z.object({ type: z.literal('unpublish'), id: Id, kinds: Kinds }),
  z.object({ type: z.literal('subscribe'), id: Id, peer: Uid, kinds: Kinds }),
  z.object({ type: z.literal('unsubscribe'), id: Id, peer: Uid, kinds: Kinds }),
  z.object({ type: z.literal('sdp'), id: Id, pc: PcNameSchema, description: Description }),
  z.object({ type: z.literal('candidate'), id: Id, pc: PcNameSchema, candidate: Candidate }),
  z.object({ type: z.literal('renew-token'), id: Id, token: z.string().max(4096) }),
]);
/** A parsed client → server message. */
export type ClientMessage = z.infer<typeof ClientMessageSchema>;
/** The `type` of a client message. */
export type ClientMessageType = ClientMessage['type'];

/** Error codes the server answers with. */
export const ERROR_CODES = [
  'INVALID_TOKEN',
  'TOKEN_EXPIRE',
  'UID_BANNED',
  'CHANNEL_BANNED',
  'BAD_REQUEST',
  'NOT_JOINED',
  'SERVER_ERROR',
] as const;
/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Reasons of `user-left`. */
export const USER_LEFT_REASONS = ['Quit', 'ServerTimeOut', 'BecomeAudience'] as const;
/** Reasons of `kicked`. */
export const KICK_REASONS = ['UID_BANNED', 'CHANNEL_BANNED', 'TOKEN_EXPIRE', 'SAME_UID_LOGIN'] as const;

/** Timing the server announces in `joined`. */
export const ServerConfigSchema = z.object({
  heartbeatIntervalMs: z.number().positive(),
  heartbeatTimeoutMs: z.number().positive(),
  mediaTimeoutMs: z.number().positive(),
  timeScale: z.number().positive(),
});

/** Server → client messages. */
export const ServerMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('joined'),
    id: Id,
    uid: Uid,
    resume: z.string(),
    /** True when the join resumed an existing membership (extension of v1; optional). */
    resumed: z.boolean().optional(),
    members: z.array(z.object({ uid: Uid, published: z.array(MediaKindSchema) })),
    config: ServerConfigSchema,
  }),
  z.object({ type: z.literal('error'), id: Id, code: z.enum(ERROR_CODES), message: z.string() }),
  z.object({ type: z.literal('pong'), id: Id, ts: z.number(), serverTs: z.number() }),
  z.object({ type: z.literal('user-joined'), uid: Uid }),
  z.object({ type: z.literal('user-published'), uid: Uid, kind: MediaKindSchema }),
  z.object({
    type: z.literal('user-unpublished'),
    uid: Uid,
    kind: MediaKindSchema,
    reason: z.enum(['unpublish', 'no-media']),
  }),
  z.object({ type: z.literal('user-left'), uid: Uid, reason: z.enum(USER_LEFT_REASONS) }),
  z.object({ type: z.literal('kicked'), reason: z.enum(KICK_REASONS) }),
  z.object({ type: z.literal('token-will-expire'), inMs: z.number() }),
  z.object({ type: z.literal('sdp'), id: Id, pc: PcNameSchema, description: Description }),
  z.object({ type: z.literal('candidate'), pc: PcNameSchema, candidate: Candidate }),
  /**
   * Extension of v1 (docs/PROTOCOL.md "Extensions"): the server gave up its side of a peer
   * connection (`failed`, or replaced on resume). For `pub` the client re-offers (ICE restart
   * or a new PC); for `sub` the client drops its sub PC and answers the server's next offer.
   */
  z.object({
    type: z.literal('media-reset'),
    pc: PcNameSchema,
    reason: z.enum(['failed', 'resumed']),
  }),
]);
/** A parsed server → client message. */
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
/** The `type` of a server message. */
export type ServerMessageType = ServerMessage['type'];
/** The server message of one type. */
export type ServerMessageOf<T extends ServerMessageType> = Extract<ServerMessage, { type: T }>;

/** Token payload (PROTOCOL.md "Tokens"). */
export const TokenPayloadSchema = z.object({
  channel: z.string().min(1).max(64),
  uid: Uid,
  role: z.enum(['host', 'audience']),
  exp: z.number().int(),
});
/** A decoded token payload. */
export type TokenPayload = z.infer<typeof TokenPayloadSchema>;
