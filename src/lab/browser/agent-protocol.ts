/**
 * The lab's side of the browser-participant agent protocol (see `page-agent.ts`): what a page
 * sends back, validated, and the two seams a host implements — a page to call into
 * ({@link AgentPage}) and a browser that opens such pages ({@link BrowserHost}).
 */
import { z } from 'zod';

const DescriptionSchema = z.object({
  type: z.enum(['offer', 'answer', 'pranswer', 'rollback']),
  sdp: z.string(),
});

/** A transceiver as the page reports it. */
export const TransceiverSnapshotSchema = z.object({
  mid: z.string().nullable(),
  kind: z.string().nullable(),
  senderTrack: z.string().nullable(),
  receiverTrack: z.string().nullable(),
});

/** A peer connection's states after a call or an event. */
export const PcSnapshotSchema = z.object({
  connectionState: z.string(),
  iceConnectionState: z.string(),
  signalingState: z.string(),
  localDescription: DescriptionSchema.nullable(),
  remoteDescription: DescriptionSchema.nullable(),
  transceivers: z.array(TransceiverSnapshotSchema),
});
/** See {@link PcSnapshotSchema}. */
export type PcSnapshot = z.infer<typeof PcSnapshotSchema>;

const CandidateSchema = z.object({
  candidate: z.string(),
  sdpMid: z.string().nullable().optional(),
  sdpMLineIndex: z.number().nullable().optional(),
  usernameFragment: z.string().nullable().optional(),
});

/** One event from a page. */
export const AgentEventSchema = z.discriminatedUnion('kind', [
  z.object({ pc: z.string(), kind: z.literal('icecandidate'), candidate: CandidateSchema.nullable() }),
  PcSnapshotSchema.extend({
    pc: z.string(),
    kind: z.enum(['iceconnectionstatechange', 'connectionstatechange', 'signalingstatechange']),
  }),
  PcSnapshotSchema.extend({
    pc: z.string(),
    kind: z.literal('track'),
    trackKind: z.string(),
    trackId: z.string(),
    mid: z.string().nullable(),
  }),
  /** The page's event loop ran `ms` real ms late (see page-agent.ts). */
  z.object({ kind: z.literal('stall'), ms: z.number().nonnegative().max(3_600_000) }),
]);
/** See {@link AgentEventSchema}. */
export type AgentEvent = z.infer<typeof AgentEventSchema>;

/** Parses an event line from a page; null (and no throw) for anything malformed. */
export function parseAgentEvent(json: unknown): AgentEvent | null {
  if (typeof json !== 'string' || json.length > 4 * 1024 * 1024) return null;
  try {
    const parsed = AgentEventSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** One page running the agent. */
export interface AgentPage {
  /** What runs the page, e.g. `Chromium 156.0.8078.79`. */
  readonly browserVersion: string;
  /** Runs one agent method; rejects with the page's error, or when the page is gone. */
  call<T = unknown>(method: string, args: unknown[]): Promise<T>;
  /** Subscribes to the page's events; returns the unsubscribe. */
  onEvent(listener: (event: AgentEvent) => void): () => void;
  /** Subscribes to the page going away (crash, browser exit, close). */
  onClosed(listener: (reason: string) => void): () => void;
  /** Closes the page (idempotent). */
  close(): Promise<void>;
}

/** A browser that opens agent pages: headless Chromium (playwright) or hidden Electron windows. */
export interface BrowserHost {
  /** Opens a new page with the agent loaded and ready. */
  openPage(): Promise<AgentPage>;
  /** Process ids of the browser's own processes, when the host can tell (resource reports). */
  pids?(): number[];
  /** Closes every page and the browser (idempotent). */
  dispose(): Promise<void>;
}
