/**
 * Fault specifications: what a person (or a scenario step) asks the fault injector to do to
 * one client's network path, or to the channel server. A spec is validated once, where it
 * enters (the IPC contract, a scenario file, {@link parseClientFault}); the lab and the
 * injector take the typed {@link ClientFault} and never parse it again.
 */
import { z } from 'zod';
import { CodedError } from '../errors';

/** Which traffic of a client a fault touches: the signaling socket, the media, or both. */
export const FaultPathSchema = z.enum(['signaling', 'media', 'all']);
/** Client → server is `up`, server → client is `down`. */
export const FaultDirectionSchema = z.enum(['up', 'down', 'both']);

/** Path (signaling / media / all). */
export type FaultPath = z.infer<typeof FaultPathSchema>;
/** Direction (up / down / both). */
export type FaultDirection = z.infer<typeof FaultDirectionSchema>;

const where = {
  path: FaultPathSchema.default('all'),
  direction: FaultDirectionSchema.default('both'),
};

/** Nothing passes; TCP bytes are held (as unacknowledged segments would be), UDP is dropped. */
export const BlackholeFaultSchema = z.object({ kind: z.literal('blackhole'), ...where });
/** Open connections are closed abruptly (TCP RST); media sockets are rebound. */
export const ResetFaultSchema = z.object({ kind: z.literal('reset'), path: FaultPathSchema.default('all') });
/** Added one-way delay with optional uniform jitter, per direction. */
export const LatencyFaultSchema = z.object({
  kind: z.literal('latency'),
  ms: z.number().min(0).max(60_000),
  jitterMs: z.number().min(0).max(60_000).default(0),
  ...where,
});
/**
 * Packet loss on the media path (UDP). `burst` switches from independent drops to a
 * Gilbert–Elliott two-state model whose mean burst length is `burst.meanLength` packets.
 */
export const LossFaultSchema = z.object({
  kind: z.literal('loss'),
  pct: z.number().min(0).max(100),
  burst: z.object({ meanLength: z.number().min(1).max(1000) }).optional(),
  path: z.literal('media').default('media'),
  direction: FaultDirectionSchema.default('both'),
});
/** A rate limit (token bucket) in kilobits per second, per direction. */
export const BandwidthFaultSchema = z.object({
  kind: z.literal('bandwidth'),
  kbps: z.number().min(1).max(10_000_000),
  ...where,
});
/** New signaling connections are refused (server unreachable); open ones are untouched. */
export const RefuseFaultSchema = z.object({ kind: z.literal('refuse') });
/** The client reappears from a new local address/port: signaling reset, media rebound. */
export const IpChangeFaultSchema = z.object({ kind: z.literal('ip-change') });

/**
 * Relayed-path faults (the lab's TURN server sits behind each client's injector too): drop the
 * client's direct UDP media to the media server, its UDP to the TURN server, or hold its TCP to
 * the TURN server. Together they walk ICE from host to relay/udp to relay/tcp.
 */
export const BlockDirectUdpFaultSchema = z.object({ kind: z.literal('block-direct-udp') });
/** Drops the client's UDP to and from the TURN server (TURN/UDP). */
export const BlockTurnUdpFaultSchema = z.object({ kind: z.literal('block-turn-udp') });
/** Blackholes the client's TCP to the TURN server (TURN/TCP). */
export const BlockTurnTcpFaultSchema = z.object({ kind: z.literal('block-turn-tcp') });

/** Any fault on a client's path. */
export const ClientFaultSchema = z.discriminatedUnion('kind', [
  BlackholeFaultSchema,
  ResetFaultSchema,
  LatencyFaultSchema,
  LossFaultSchema,
  BandwidthFaultSchema,
  RefuseFaultSchema,
  IpChangeFaultSchema,
  BlockDirectUdpFaultSchema,
  BlockTurnUdpFaultSchema,
  BlockTurnTcpFaultSchema,
]);

/** A validated client fault, defaults filled. */
export type ClientFault = z.infer<typeof ClientFaultSchema>;
/** A client fault as a person may write it (defaults optional). */
export type ClientFaultInput = z.input<typeof ClientFaultSchema>;
/** The kinds of client fault. */
export type ClientFaultKind = ClientFault['kind'];

/** Thrown for a fault spec that does not validate; `issues` lists what is wrong, one per line. */
export class InvalidFaultError extends CodedError<'INVALID_FAULT'> {
  override readonly name = 'InvalidFaultError';
  constructor(readonly issues: string[]) {
    super('INVALID_FAULT', `invalid fault: ${issues.join('; ')}`);
  }
}

/**
 * The one parser of a client fault spec that has not been checked yet: returns it validated,
 * defaults filled, or throws {@link InvalidFaultError} naming each bad field (`ms: …`).
 */
export function parseClientFault(input: unknown): ClientFault {
  const parsed = ClientFaultSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new InvalidFaultError(
    parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'fault'}: ${i.message}`),
  );
}

/** Faults on the channel server itself (a real stop, start or kill of its process). */
export const SERVER_FAULT_KINDS = ['server-stop', 'server-start', 'server-crash'] as const;
