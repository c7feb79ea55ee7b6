/**
 * The one typed contract between the renderer and the main-process services, used by both
 * transports: Electron IPC (preload) and browser mode (loopback WebSocket + token).
 * Channel names are `domain:verb-noun`. Every payload has a zod schema; the main side parses
 * each request before a handler sees it, and the renderer may parse what comes back.
 */
import { z } from 'zod';
import { CodedError } from '../errors';
import { EngineNameSchema } from '../model/engines';
import { ClientFaultSchema } from '../model/faults';
import { CONNECTION_STATES } from '../model/states';
import { MediaKindSchema } from '../protocol/messages';
import { ScenarioSchema } from '../scenario/schema';
import { CompactRecordsSchema } from '../trace/compact';
import { RECORD_TYPES, TraceHeaderSchema, TraceRecordSchema } from '../trace/records';
import { parseServerUrl } from './server-url';
import {
  ChartImagesSchema,
  OpenChunkSchema,
  OpenProgressEventSchema,
  OpenRequestIdSchema,
  base64Length,
} from './transfer';

const Uid = z
  .number()
  .int()
  .nonnegative()
  .max(2 ** 32 - 1);
const Engine = EngineNameSchema;
const Empty = z.object({}).strict();

/** Timing a person may set when starting a lab (model ms; see LabTiming). */
export const LabTimingOverridesSchema = z
  .object({
    timeScale: z.number().positive().max(100),
    heartbeatIntervalMs: z.number().positive(),
    heartbeatTimeoutMs: z.number().positive(),
    mediaTimeoutMs: z.number().positive(),
  })
  .partial();

/** How to start a lab. */
export const LabStartSchema = z.object({
  server: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('embedded') }),
    z.object({
      kind: z.literal('remote'),
      url: z
        .string()
        .max(2048)
        .regex(/^wss?:\/\/[^\s]+$/, 'expected ws://host:port/v1/channel')
        .refine((url) => parseServerUrl(url) !== null, 'expected ws://host:port/v1/channel'),
      secret: z.string().min(1).max(512).nullable(),
      /**
       * The person confirmed a server that is not on this machine; without it the main side
       * refuses every non-loopback URL (`REMOTE_NOT_CONFIRMED`).
       */
      allowRemote: z.boolean().default(false),
    }),
  ]),
  engine: Engine.default('wrtc'),
  channel: z.string().min(1).max(64).default('faultline'),
  timing: LabTimingOverridesSchema.default({}),
  /** Local participants to create at once (joined by a later `client:join`). */
  participants: z
    .array(z.object({ uid: Uid, engine: Engine.optional(), autoSubscribe: z.boolean().default(true) }))
    .max(50)
    .default([]),
});

/** One local participant as the dashboard shows it. */
export const ParticipantStatusSchema = z.object({
  uid: Uid,
  engine: Engine,
  state: z.enum(CONNECTION_STATES),
});

/** An active fault with its countdown. */
export const ActiveFaultSchema = z.object({
  id: z.string(),
  kind: z.string(),
  target: z.object({ uid: Uid.nullable(), path: z.string().optional(), direction: z.string().optional() }),
  params: z.record(z.string(), z.unknown()),
  /** Trace time (ms since the trace started) when it began. */
  startedAtT: z.number(),
  /** Trace time when it clears itself, or null for a manual clear. */
  endsAtT: z.number().nullable(),
});

/** Everything the dashboard needs to draw the lab controls. */
export const LabStatusSchema = z.object({
  running: z.boolean(),
  server: z.object({ kind: z.enum(['embedded', 'remote']), url: z.string(), up: z.boolean() }).nullable(),
  engine: Engine,
  channel: z.string(),
  timeScale: z.number(),
  participants: z.array(ParticipantStatusSchema),
  faults: z.array(ActiveFaultSchema),
  /** The scenario run under way, if any. */
  run: z
    .object({ runId: z.string(), scenario: z.string(), step: z.number().int(), steps: z.number().int() })
    .nullable(),
});

/** A server-side action from the dashboard. */
export const ServerActionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('stop'), forMs: z.number().positive().optional() }),
  z.object({ action: z.literal('crash'), forMs: z.number().positive().optional() }),
  z.object({ action: z.literal('start') }),
  z.object({ action: z.literal('ban-uid'), uid: Uid }),
  z.object({ action: z.literal('ban-channel') }),
  z.object({ action: z.literal('expire-token'), uid: Uid }),
  z.object({ action: z.literal('accepting'), accepting: z.boolean() }),
]);

/** A scenario to run: a built-in by name, or a scenario object (e.g. opened from a file). */
export const ScenarioRunSchema = z.object({
  scenario: z.union([z.object({ name: z.string().min(1).max(100) }), z.object({ inline: ScenarioSchema })]),
  timeScale: z.number().positive().max(100).optional(),
  engine: Engine.optional(),
});

/**
 * With a snapshot of some record types only: the time of the trace's last record of any type, so
 * the charts end where the whole trace ends.
 */
const LastTSchema = z.number().nonnegative().optional();

/**
 * What every trace consumer starts from: the header and the records held so far, as records or
 * (asked with `form: 'compact'`, as the dashboard does) in the compact wire form.
 */
export const TraceSnapshotSchema = z.union([
  z.object({ header: TraceHeaderSchema.nullable(), records: z.array(TraceRecordSchema), lastT: LastTSchema }),
  z.object({ header: TraceHeaderSchema.nullable(), compact: CompactRecordsSchema, lastT: LastTSchema }),
]);

/** An error as it crosses the boundary. */
export const IpcErrorSchema = z.object({ name: z.string(), message: z.string(), code: z.string() });
/** See {@link IpcErrorSchema}. */
export type IpcErrorShape = z.infer<typeof IpcErrorSchema>;

/** Formats of `trace:export`. */
export const ExportFormatSchema = z.enum(['bundle', 'ndjson', 'ndjson.gz']);
/** What kind of support file was opened. */
export const SupportFileKindSchema = z.enum(['bundle', 'trace', 'webrtc-internals', 'rtcstats']);
/** Cap on the bytes of a file sent over the wire either way (bundle download, opened upload). */
export const MAX_TRANSFER_BYTES = 32 * 1024 * 1024;

/** An opened trace (the `trace:opened` event, and the answer of `trace:open-bytes`). */
export const OpenedTraceSchema = z.object({
  /** The file's base name. */
  name: z.string(),
  header: TraceHeaderSchema,
  records: z.array(TraceRecordSchema),
  /** The file ended mid-line or mid-stream; what was intact is here. */
  truncated: z.boolean(),
  /** Lines skipped and other things a person should know, in words. */
  warnings: z.array(z.string()),
  /** What the file was (absent from older senders: a trace). */
  kind: SupportFileKindSchema.optional(),
});

/** Renderer → main: request and response schema per channel. */
export const invokeContract = {
  /** Versions of the app, Electron, Chromium and Node, and the transport in use. */
  'app:get-info': {
    request: Empty,
    response: z.object({
      name: z.string(),
      version: z.string(),
      versions: z.record(z.string(), z.string().nullable()),
      mode: z.enum(['electron', 'browser']),
    }),
  },
  'lab:start': { request: LabStartSchema, response: LabStatusSchema },
  'lab:stop': { request: Empty, response: LabStatusSchema },
  'lab:get-status': { request: Empty, response: LabStatusSchema },
  'participant:add': {
    request: z.object({ uid: Uid, engine: Engine.optional(), autoSubscribe: z.boolean().default(true) }),
    response: LabStatusSchema,
  },
  'client:join': { request: z.object({ uid: Uid }), response: LabStatusSchema },
  'client:leave': { request: z.object({ uid: Uid }), response: LabStatusSchema },
  'client:publish': {
    request: z.object({ uid: Uid, kinds: z.array(MediaKindSchema).min(1).max(2) }),
    response: LabStatusSchema,
  },
  'client:unpublish': {
    request: z.object({ uid: Uid, kinds: z.array(MediaKindSchema).min(1).max(2) }),
    response: LabStatusSchema,
  },
  'fault:apply': {
    request: z.object({
      uid: Uid,
      fault: ClientFaultSchema,
      forMs: z.number().positive().max(3_600_000).optional(),
    }),
    response: z.object({ id: z.string(), status: LabStatusSchema }),
  },
  'fault:clear': { request: z.object({ id: z.string().min(1).max(64) }), response: LabStatusSchema },
  'server:run-action': { request: ServerActionSchema, response: LabStatusSchema },
  'scenario:list': {
    request: Empty,
    response: z.array(
      z.object({ name: z.string(), description: z.string(), profile: z.enum(['ng', 'legacy']) }),
    ),
  },
  'scenario:run': { request: ScenarioRunSchema, response: z.object({ runId: z.string() }) },
  'scenario:cancel': { request: Empty, response: LabStatusSchema },
  /**
   * The current (or last) trace: every record, or only those of `types` (the dashboard asks for
   * what its charts draw first, then for the rest), as records or in the compact wire form.
   */
  'trace:get-snapshot': {
    request: z
      .object({
        form: z.enum(['records', 'compact']).optional(),
        types: z
          .array(z.enum(RECORD_TYPES))
          .min(1)
          .max(RECORD_TYPES.length)
          .refine((types) => new Set(types).size === types.length, 'record types must not repeat')
          .optional(),
      })
      .strict(),
    response: TraceSnapshotSchema,
  },
  'trace:add-mark': {
    request: z.object({ label: z.string().min(1).max(200) }),
    response: z.object({ seq: z.number() }),
  },
  /**
   * Saves the current (or last) trace through a native save dialog (Electron only; browser
   * mode answers NOT_SUPPORTED and the page downloads `serializeTrace(snapshot)` itself).
   * `path` is null when the person cancelled.
   */
  'trace:export': {
    request: z.object({
      /** What to write: a support bundle (zip with report.html), or the bare trace. */
      format: ExportFormatSchema.default('bundle'),
      /** Redact addresses, secrets and SDP in a bundle (default on). */
      redact: z.boolean().default(true),
      /** Also pseudonymize channel names and uids in a bundle (default off). */
      pseudonymizeIds: z.boolean().default(false),
      /** The charts the page shows, as PNG, for a bundle (`charts/<name>.png`). */
      charts: ChartImagesSchema.optional(),
      /** @deprecated use `format`; kept so older callers still parse. */
      gzip: z.boolean().optional(),
    }),
    response: z.object({ path: z.string().nullable(), bytes: z.number() }),
  },
  /**
   * Browser mode's bundle export: the support bundle of the current (or last) trace as base64
   * zip bytes for a download; TOO_LARGE above {@link MAX_TRANSFER_BYTES}.
   */
  'trace:export-bundle': {
    request: z.object({
      redact: z.boolean().default(true),
      pseudonymizeIds: z.boolean().default(false),
      /** The charts the page shows, as PNG: written as `charts/<name>.png` and listed in the manifest. */
      charts: ChartImagesSchema.optional(),
    }),
    response: z.object({ name: z.string(), base64: z.string(), bytes: z.number().int() }),
  },
  /**
   * Browser mode's open: a dropped or picked file's bytes (base64, at most
   * {@link MAX_TRANSFER_BYTES} decoded), opened like `trace:open` opens a path. Answers with the
   * opened trace itself (no event); typed errors carry the SupportOpenError code. With a
   * `requestId`, main emits `trace:open-progress` and `trace:open-cancel` aborts it (ABORTED).
   */
  'trace:open-bytes': {
    request: z.object({
      name: z.string().min(1).max(255),
      base64: z.string().min(1).max(base64Length(MAX_TRANSFER_BYTES)),
      requestId: OpenRequestIdSchema.optional(),
    }),
    response: OpenedTraceSchema,
  },
  /**
   * One piece of a large file opened in pieces (browser mode; up to MAX_UPLOAD_BYTES), in order.
   * The first piece (offset 0) starts the upload: BUSY beyond MAX_CONCURRENT_UPLOADS at once.
   */
  'trace:open-chunk': { request: OpenChunkSchema, response: z.object({ received: z.number().int() }) },
  /** Opens a file uploaded with `trace:open-chunk` (all of it): answers like `trace:open-bytes`. */
  'trace:open-upload': {
    request: z.object({ requestId: OpenRequestIdSchema, name: z.string().min(1).max(255) }),
    response: OpenedTraceSchema,
  },
  /** Cancels an upload or an open under way: it rejects with ABORTED and nothing is shown. */
  'trace:open-cancel': {
    request: z.object({ requestId: OpenRequestIdSchema }),
    response: z.object({ cancelled: z.boolean() }),
  },
  /**
   * Opens a trace file through a native open dialog (Electron only; browser mode answers
   * NOT_SUPPORTED and the page reads an uploaded file with `parseTraceText`). The trace itself
   * arrives as a `trace:opened` event, the same way as from the File menu; `opened` is false when
   * the dialog was dismissed. With a `requestId`, the open of the chosen file emits
   * `trace:open-progress` and `trace:open-cancel` aborts it (ABORTED, nothing is sent).
   */
  'trace:open': {
    request: z.object({ requestId: OpenRequestIdSchema.optional() }).strict(),
    response: z.object({ opened: z.boolean() }),
  },
  /** Journals of sessions that crashed or were killed (not closed cleanly), newest first. */
  'recovery:list': {
    request: Empty,
    response: z.array(
      z.object({
        id: z.string(),
        /** The header's start time; null when the header never reached the disk. */
        startedAt: z.string().nullable(),
        records: z.number().int(),
        bytes: z.number().int(),
        scenario: z.string().nullable(),
      }),
    ),
  },
  /** Loads a recovered journal as the current trace: it arrives as a `trace:opened` event. */
  'recovery:open': {
    request: z.object({ id: z.string().min(1).max(128) }),
    response: z.object({ id: z.string(), records: z.number().int() }),
  },
  /** Deletes a recovered journal. */
  'recovery:discard': {
    request: z.object({ id: z.string().min(1).max(128) }),
    response: z.object({ id: z.string() }),
  },
} as const;

/** Main → renderer events. */
export const eventContract = {
  /** A batch of new records (≤ 20 flushes a second); `header` when a new trace starts. */
  'trace:records': z.object({ header: TraceHeaderSchema.optional(), records: z.array(TraceRecordSchema) }),
  /** The lab's status changed (participants, faults, server, run). */
  'lab:status': LabStatusSchema,
  /** A scenario run moved to a step. */
  'scenario:progress': z.object({
    runId: z.string(),
    step: z.number().int(),
    steps: z.number().int(),
    label: z.string(),
  }),
  /**
   * A run's participants are up and its timeline is about to start: whether its time scale holds
   * on this machine (the stalls measured while the lab started, and the participant mix).
   */
  'scenario:assessment': z.object({
    runId: z.string(),
    ok: z.boolean(),
    timeScale: z.number(),
    safeScale: z.number(),
    worstStallMs: z.number().nullable(),
    message: z.string(),
  }),
  /** A scenario run ended (the renderer checks the trace itself with the shared checker). */
  'scenario:done': z.object({
    runId: z.string(),
    ok: z.boolean(),
    aborted: z.boolean(),
    errors: z.array(z.string()),
  }),
  /** A trace file was opened (File → Open trace…, or `trace:open`): show it instead of the live one. */
  'trace:opened': OpenedTraceSchema,
  /** How far an open with a `requestId` has come (upload, read, verify, parse). */
  'trace:open-progress': OpenProgressEventSchema,
  /**
   * A menu command for the page to carry out with its own UI (File → Open trace… gets the
   * progress bar and Cancel; File → Export trace… the Export dialog with its redaction preview).
   */
  'app:menu': z.object({ action: z.enum(['open-trace', 'export-trace']) }),
} as const;

/** Names of the invoke channels. */
export type InvokeChannel = keyof typeof invokeContract;
/** Names of the event channels. */
export type EventChannel = keyof typeof eventContract;
/** What a caller passes on an invoke channel (defaults optional). */
export type InvokeRequest<C extends InvokeChannel> = z.input<(typeof invokeContract)[C]['request']>;
/** What a handler receives after parsing (defaults filled). */
export type InvokeParsed<C extends InvokeChannel> = z.output<(typeof invokeContract)[C]['request']>;
/** What an invoke channel resolves to. */
export type InvokeResponse<C extends InvokeChannel> = z.output<(typeof invokeContract)[C]['response']>;
/** The payload of an event channel. */
export type EventPayload<C extends EventChannel> = z.output<(typeof eventContract)[C]>;

/** Every invoke channel name (for allow-lists in the preload and the WS transport). */
export const INVOKE_CHANNELS = Object.keys(invokeContract) as InvokeChannel[];
/** Every event channel name. */
export const EVENT_CHANNELS = Object.keys(eventContract) as EventChannel[];

/** True when `name` is an invoke channel of the contract. */
export function isInvokeChannel(name: unknown): name is InvokeChannel {
  return typeof name === 'string' && Object.hasOwn(invokeContract, name);
}

/** True when `name` is an event channel of the contract. */
export function isEventChannel(name: unknown): name is EventChannel {
  return typeof name === 'string' && Object.hasOwn(eventContract, name);
}

/**
 * The API the renderer sees (`window.faultline` in Electron; the WebSocket client in browser
 * mode). Invokes reject with an {@link IpcError}; every `on` returns its unsubscribe.
 */
export interface FaultlineApi {
  invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>>;
  on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void;
}

/** An error that crossed the boundary, typed again on this side. */
export class IpcError extends CodedError {
  override readonly name = 'IpcError';
  constructor(
    message: string,
    code: string,
    readonly remoteName = 'Error',
  ) {
    super(code, message);
  }

  /** The plain shape sent across. */
  static serialize(error: unknown): IpcErrorShape {
    if (error instanceof IpcError)
      return { name: error.remoteName, message: error.message, code: error.code };
    if (error instanceof z.ZodError) {
      const first = error.issues[0];
      const where = first?.path.length ? `${first.path.join('.')}: ` : '';
      return {
        name: 'ValidationError',
        message: `${where}${first?.message ?? 'invalid payload'}`,
        code: 'BAD_REQUEST',
      };
    }
    const e = error as { name?: unknown; message?: unknown; code?: unknown };
    return {
      name: typeof e?.name === 'string' ? e.name : 'Error',
      message: typeof e?.message === 'string' ? e.message : String(error),
      code: typeof e?.code === 'string' ? e.code : 'INTERNAL',
    };
  }

  /** Rebuilds an error from its plain shape. */
  static from(shape: IpcErrorShape): IpcError {
    return new IpcError(shape.message, shape.code, shape.name);
  }
}
