/**
 * Browser mode's wire format: the same contract as Electron IPC, carried as JSON text frames
 * over one loopback WebSocket (`/ipc?token=…`). One invoke is answered by one result with the
 * same `id`; events flow server → client unasked.
 */
import { z } from 'zod';
import { IpcErrorSchema } from './contract';

/** Largest frame either side accepts (a trace snapshot can be large). */
export const MAX_WIRE_FRAME_BYTES = 64 * 1024 * 1024;

/** Client → server. */
export const WireRequestSchema = z.object({
  kind: z.literal('invoke'),
  id: z.number().int().nonnegative(),
  channel: z.string().max(64),
  payload: z.unknown(),
});
/** A parsed request frame. */
export type WireRequest = z.infer<typeof WireRequestSchema>;

/**
 * Server → client. A plain union: two members share `kind: 'result'` (ok true / false), which a
 * zod discriminated union on `kind` rejects at first parse ("Duplicate discriminator value").
 */
export const WireResponseSchema = z.union([
  z.object({ kind: z.literal('result'), id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.object({ kind: z.literal('result'), id: z.number().int(), ok: z.literal(false), error: IpcErrorSchema }),
  z.object({ kind: z.literal('event'), channel: z.string(), payload: z.unknown() }),
]);
/** A parsed response or event frame. */
export type WireResponse = z.infer<typeof WireResponseSchema>;

/** The WebSocket path of browser mode's transport. */
export const WIRE_PATH = '/ipc';
