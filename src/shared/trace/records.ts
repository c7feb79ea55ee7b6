/**
 * Trace format v1: the one record type that flows end to end (lab → recorder → IPC → stores →
 * charts → exporter → importer). Newline-delimited JSON; line 1 is the header.
 * Readers accept unknown fields and skip unknown record types.
 */
import { z } from 'zod';
import { CONNECTION_STATES, DISCONNECT_REASONS } from '../model/states';
import { PEER_EVENTS } from '../model/vocabulary';

/** The `format` value of every header. */
export const TRACE_FORMAT = 'faultline-trace';
/** The newest major version this code writes and reads. */
export const TRACE_VERSION = 1;

/** Line 1 of a trace. */
export const TraceHeaderSchema = z.looseObject({
  format: z.literal(TRACE_FORMAT),
  version: z.number().int().positive(),
  startedAt: z.string(),
  timeScale: z.number().positive(),
  app: z.looseObject({ name: z.string(), version: z.string() }),
  env: z.record(z.string(), z.unknown()).default({}),
  config: z.record(z.string(), z.unknown()).default({}),
  scenario: z.unknown().nullable().default(null),
});
/** A parsed header. */
export type TraceHeader = z.infer<typeof TraceHeaderSchema>;

const base = {
  /** Integer from 1, strictly increasing. */
  seq: z.number().int().positive(),
  /** Milliseconds since `startedAt`, monotonic clock. */
  t: z.number().nonnegative(),
  /** The local client the record belongs to, or null for the server and the lab. */
  uid: z.number().int().nonnegative().nullable(),
};

const StateSchema = z.enum(CONNECTION_STATES);
const MediaKindSchema = z.enum(['audio', 'video']);

/** A connection-state transition of one local client. */
export const StateRecordSchema = z.looseObject({
  ...base,
  type: z.literal('state'),
  from: StateSchema,
  to: StateSchema,
  reason: z.enum(DISCONNECT_REASONS).optional(),
  cause: z.string().optional(),
});
/** What a local client (uid = observer) heard about a remote peer. */
export const PeerRecordSchema = z.looseObject({
  ...base,
  type: z.literal('peer'),
  event: z.enum(PEER_EVENTS),
  peer: z.number().int().nonnegative(),
  mediaType: MediaKindSchema.optional(),
  reason: z.string().optional(),
});
/** One step of a reconnect attempt. */
export const ReconnectRecordSchema = z.looseObject({
  ...base,
  type: z.literal('reconnect'),
  attempt: z.number().int().nonnegative(),
  phase: z.enum(['scheduled', 'start', 'success', 'failure', 'giveup']),
  delayMs: z.number().nonnegative().optional(),
  error: z.string().optional(),
});
/** One end of a selected candidate pair (`candidate-pair` media records). */
const CandidateEndSchema = z.object({
  type: z.string().nullable(),
  protocol: z.string().nullable(),
  relayProtocol: z.string().nullable(),
  address: z.string().nullable(),
  port: z.number().nullable(),
});
/** One end of a selected candidate pair: candidate type, protocols, address and port (null when unknown). */
export type CandidateEnd = z.infer<typeof CandidateEndSchema>;
/**
 * Media-path events: the lab's media reconnects, ICE restarts (`ice-restart`: an offer made with
 * `iceRestart`), ICE, peer-connection and signaling state changes (`value` the new state), and
 * changes of the selected candidate pair (`value` `<route>/<transport>`, e.g. `relay/udp`, with
 * both ends in `local` and `remote`).
 */
export const MediaRecordSchema = z.looseObject({
  ...base,
  type: z.literal('media'),
  event: z.enum([
    'media-reconnect-start',
    'media-reconnect-end',
    'ice-state',
    'pc-state',
    'signaling-state',
    'ice-restart',
    'candidate-pair',
  ]),
  pc: z.enum(['pub', 'sub']).optional(),
  value: z.string().optional(),
  local: CandidateEndSchema.optional(),
  remote: CandidateEndSchema.optional(),
});
/** A signaling message sent or received (type only: never tokens or SDP bodies). */
export const SignalRecordSchema = z.looseObject({
  ...base,
  type: z.literal('signal'),
  dir: z.enum(['tx', 'rx']),
  msg: z.string(),
});
/**
 * Packets of one media kind over one stats interval (deltas since the previous sample; null when
 * the engine has no such counter): what a diagnosis needs to tell "sending stopped" from
 * "receiving stopped" per kind.
 */
export const KindPacketsSchema = z.object({
  sentPackets: z.number().nonnegative().nullable(),
  receivedPackets: z.number().nonnegative().nullable(),
  lostPackets: z.number().nullable(),
});
/** {@link KindPacketsSchema} as a type. */
export type KindPackets = z.infer<typeof KindPacketsSchema>;
/** One stats sample of a local client (null when the engine has no figure yet). */
export const StatsRecordSchema = z.looseObject({
  ...base,
  type: z.literal('stats'),
  rttMs: z.number().nullable(),
  lossPct: z.number().nullable(),
  jitterMs: z.number().nullable(),
  sendKbps: z.number().nullable(),
  recvKbps: z.number().nullable(),
  /** Real milliseconds the deltas of this sample cover (absent in older traces). */
  intervalMs: z.number().nonnegative().optional(),
  /** Per-kind packet deltas over `intervalMs` (absent in older traces). */
  kinds: z.object({ audio: KindPacketsSchema.optional(), video: KindPacketsSchema.optional() }).optional(),
  raw: z.record(z.string(), z.unknown()).optional(),
});
/** Where a fault applies: a client's path, or the server (uid null). */
export const FaultTargetSchema = z.looseObject({
  uid: z.number().int().nonnegative().nullable(),
  path: z.string().optional(),
  direction: z.string().optional(),
});
/** Start or end of one fault; each fault is a pair with the same `id`. */
export const FaultRecordSchema = z.looseObject({
  ...base,
  type: z.literal('fault'),
  id: z.string(),
  phase: z.enum(['start', 'end']),
  kind: z.string(),
  target: FaultTargetSchema,
  params: z.record(z.string(), z.unknown()).default({}),
});
/**
 * A note a person (or a scenario `mark` step) adds. `kind: 'timeline-start'` marks the moment a
 * scenario's timeline clock started (step `at: 0`): the anchor of expectations without a fault
 * anchor, since participants (a browser's Chromium, say) are set up before it.
 */
export const MarkRecordSchema = z.looseObject({
  ...base,
  type: z.literal('mark'),
  label: z.string(),
  kind: z.string().optional(),
});
/** The `kind` of the mark a scenario run writes as its timeline clock starts. */
export const TIMELINE_START_MARK = 'timeline-start';
/** Which process's event loop a `stall` record measured. */
export const STALL_SOURCES = ['lab', 'server', 'page'] as const;
/** One of {@link STALL_SOURCES}. */
export type StallSource = (typeof STALL_SOURCES)[number];
/**
 * The lab itself could not keep time: an event loop (the lab process, the channel-server child,
 * or a browser participant's page, `uid` its participant) was blocked for `ms` real
 * milliseconds, ending at `t`. Written only past a threshold tied to the smallest scaled timeout
 * in force (`thresholdMs`, see src/shared/model/stalls.ts): a stall that long can make a client
 * or the server see an interruption no network caused.
 */
export const StallRecordSchema = z.looseObject({
  ...base,
  type: z.literal('stall'),
  source: z.enum(STALL_SOURCES),
  ms: z.number().nonnegative(),
  /**
   * CPU time the stalled process used meanwhile (ms): near `ms` when it was busy itself, near 0
   * when the machine did not schedule it (other processes had the cores). Absent for pages.
   */
  cpuMs: z.number().nonnegative().optional(),
  thresholdMs: z.number().nonnegative().optional(),
});
/**
 * A log line of the lab or the server, or a browser API call of an imported dump. Imported calls
 * carry the API name in `event` (e.g. `setRemoteDescriptionOnFailure`, `addIceCandidateFailed`,
 * `getUserMediaFailure`) and, for failures, level `error` and the browser's words in `error`.
 */
export const LogRecordSchema = z.looseObject({
  ...base,
  type: z.literal('log'),
  level: z.enum(['debug', 'info', 'warn', 'error']),
  msg: z.string(),
  event: z.string().optional(),
  error: z.string().optional(),
});

/** Any known record. */
export const TraceRecordSchema = z.discriminatedUnion('type', [
  StateRecordSchema,
  PeerRecordSchema,
  ReconnectRecordSchema,
  MediaRecordSchema,
  SignalRecordSchema,
  StatsRecordSchema,
  FaultRecordSchema,
  MarkRecordSchema,
  LogRecordSchema,
  StallRecordSchema,
]);

/** Names of the known record types. */
export const RECORD_TYPES = [
  'state',
  'peer',
  'reconnect',
  'media',
  'signal',
  'stats',
  'fault',
  'mark',
  'log',
  'stall',
] as const;

/** A validated trace record. */
export type TraceRecord = z.infer<typeof TraceRecordSchema>;
/** The `type` of a record. */
export type RecordType = TraceRecord['type'];
/** The record of one type. */
export type RecordOf<T extends RecordType> = Extract<TraceRecord, { type: T }>;
/** The declared fields of a loose record type (its `[key: string]: unknown` index dropped). */
type DeclaredFields<T> = { [K in keyof T as string extends K ? never : K]: T[K] };
/**
 * A record before the recorder stamps `seq` and `t`. Distributes over the union and drops the
 * loose index signature first, so each type keeps its own fields (a plain `Omit` would not).
 */
export type RecordInput = TraceRecord extends infer R
  ? R extends TraceRecord
    ? Omit<DeclaredFields<R>, 'seq' | 't'>
    : never
  : never;

export type StateRecord = RecordOf<'state'>;
export type PeerRecord = RecordOf<'peer'>;
export type ReconnectRecord = RecordOf<'reconnect'>;
export type MediaRecord = RecordOf<'media'>;
export type SignalRecord = RecordOf<'signal'>;
export type StatsRecord = RecordOf<'stats'>;
export type FaultRecord = RecordOf<'fault'>;
export type MarkRecord = RecordOf<'mark'>;
export type LogRecord = RecordOf<'log'>;
export type StallRecord = RecordOf<'stall'>;
