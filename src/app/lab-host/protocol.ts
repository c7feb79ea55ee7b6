/**
 * The message contract between a lab host (the process that runs the lab: `host-main.ts`) and
 * its parent (the Electron main process, or browser mode's server). The parent forwards the
 * page's invokes and hears the service's events; the host asks the parent for what only the
 * parent has: the desktop app's hidden participant windows, its file dialogs, and (with the
 * RunAsNode fuse off) the starting of child processes through `utilityProcess`. Each side parses
 * what it receives with these schemas.
 */
import { z } from 'zod';

/** Environment variable carrying the host's {@link LabHostOptions} as JSON. */
export const LAB_HOST_OPTIONS_ENV = 'FAULTLINE_LAB_HOST_OPTIONS';

/** How a lab host is set up; the parent decides, the host parses. */
export const LabHostOptionsSchema = z.object({
  /** Which transport serves the page (reported by `app:get-info`). */
  mode: z.enum(['electron', 'browser']),
  app: z.object({ name: z.string(), version: z.string() }).optional(),
  /** Where session journals go; null: none; absent: the OS temp default. */
  journalDir: z.string().nullable().optional(),
  /** Browser participants run in the parent (hidden windows) rather than headless Chromium here. */
  remoteBrowser: z.boolean().default(false),
  /** The parent has native file dialogs (`trace:open` / `trace:export` pick a path there). */
  remoteDialogs: z.boolean().default(false),
  /** Children (the channel server) are started by the parent rather than forked here. */
  remoteChildren: z.boolean().default(false),
  /** Least time between two `trace:records` events, ms (tests). */
  feedIntervalMs: z.number().int().min(0).max(10_000).optional(),
});
/** See {@link LabHostOptionsSchema}. */
export type LabHostOptions = z.input<typeof LabHostOptionsSchema>;

/** What the host may ask its parent to do (each answered by a `reply`). */
export const HostRequestMethodSchema = z.enum([
  'browser.open',
  'browser.pids',
  'browser.dispose',
  'page.call',
  'page.close',
  'pick.save',
  'pick.open',
]);
/** See {@link HostRequestMethodSchema}. */
export type HostRequestMethod = z.infer<typeof HostRequestMethodSchema>;

const id = z.number().int().nonnegative();

/** Parent → host. */
export const ParentMessageSchema = z.discriminatedUnion('type', [
  /** One invoke from the page, not yet parsed against the contract (the host's dispatcher does). */
  z.object({ type: z.literal('invoke'), id, channel: z.string().max(128), payload: z.unknown() }),
  /** A problem the parent's process guards caught, for the trace. */
  z.object({ type: z.literal('problem'), message: z.string().max(64 * 1024) }),
  /** Stop the lab and every open; the host answers `disposed` and exits. */
  z.object({ type: z.literal('dispose') }),
  /** The answer to one of the host's requests. */
  z.object({
    type: z.literal('reply'),
    id,
    ok: z.boolean(),
    value: z.unknown().optional(),
    error: z.string().optional(),
  }),
  /** An agent event of a participant page the parent hosts (the host parses it). */
  z.object({ type: z.literal('page-event'), page: id, event: z.unknown() }),
  z.object({ type: z.literal('page-closed'), page: id, reason: z.string() }),
  /** Lifecycle and traffic of a child the parent started for the host. */
  z.object({ type: z.literal('child-spawn'), child: id, pid: z.number().int().positive() }),
  z.object({ type: z.literal('child-message'), child: id, message: z.unknown() }),
  z.object({
    type: z.literal('child-output'),
    child: id,
    stream: z.enum(['stdout', 'stderr']),
    line: z.string(),
  }),
  z.object({ type: z.literal('child-error'), child: id, message: z.string() }),
  z.object({
    type: z.literal('child-exit'),
    child: id,
    code: z.number().int().nullable(),
    signal: z.string().nullable(),
  }),
]);
/** A parent → host message. */
export type ParentMessage = z.infer<typeof ParentMessageSchema>;

/** Host → parent. */
export const HostMessageSchema = z.discriminatedUnion('type', [
  /** The host is up; `info` is its `app:get-info` answer. */
  z.object({ type: z.literal('ready'), info: z.looseObject({ name: z.string(), version: z.string() }) }),
  z.object({ type: z.literal('start-failed'), message: z.string() }),
  /** The envelope answering one `invoke`. */
  z.object({
    type: z.literal('answer'),
    id,
    envelope: z.union([
      z.object({ ok: z.literal(true), value: z.unknown() }),
      z.object({
        ok: z.literal(false),
        error: z.object({ name: z.string(), message: z.string(), code: z.string() }),
      }),
    ]),
  }),
  /** One service event for the page (the channel is checked against the contract by the parent). */
  z.object({ type: z.literal('event'), channel: z.string().max(128), payload: z.unknown() }),
  /** The lab and every open are stopped; the host exits next. */
  z.object({ type: z.literal('disposed') }),
  z.object({ type: z.literal('request'), id, method: HostRequestMethodSchema, args: z.array(z.unknown()) }),
  /** Start a child through the parent's launcher (`utilityProcess` in the desktop app). */
  z.object({
    type: z.literal('child-launch'),
    child: id,
    entry: z.string(),
    execArgv: z.array(z.string()),
    env: z.record(z.string(), z.string()),
    serviceName: z.string().max(64),
  }),
  z.object({ type: z.literal('child-send'), child: id, message: z.unknown() }),
  z.object({ type: z.literal('child-signal'), child: id, signal: z.enum(['SIGTERM', 'SIGKILL']) }),
]);
/** A host → parent message. */
export type HostMessage = z.infer<typeof HostMessageSchema>;
