/**
 * Payload schemas for bytes that cross the boundary in pieces: chart images added to a support
 * bundle, and a large file opened through chunked upload with progress and cancel. Imported by
 * the contract; nothing here knows about Node, Electron or Vue.
 */
import { z } from 'zod';

/** Longest decoded size of one chart PNG. */
export const MAX_CHART_PNG_BYTES = 8 * 1024 * 1024;
/** Most chart images one bundle may carry. */
export const MAX_BUNDLE_CHARTS = 12;
/** Bytes per chunk of a chunked open (decoded). */
export const UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024;
/** Largest file a chunked open accepts (a 200 MiB trace fits). */
export const MAX_UPLOAD_BYTES = 256 * 1024 * 1024;
/** Chunked opens the main process holds at once; one more is refused as BUSY. */
export const MAX_CONCURRENT_UPLOADS = 2;

/** The base64 text of `n` decoded bytes, at most. */
export const base64Length = (n: number): number => Math.ceil(n / 3) * 4 + 4;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Base64 of the 8-byte PNG signature, then the first 2 bits of the next byte. */
const PNG_BASE64_PREFIX = /^iVBORw0KGg[o-r]/;

/** One rendered chart as PNG, for `charts/<name>.png` in a bundle. */
export const ChartImageSchema = z.object({
  name: z.string().regex(/^[a-z0-9-]{1,40}$/, 'a chart name is 1–40 lowercase letters, digits or dashes'),
  pngBase64: z
    .string()
    .max(base64Length(MAX_CHART_PNG_BYTES), `a chart image may be at most ${MAX_CHART_PNG_BYTES} bytes`)
    .regex(BASE64, 'a chart image must be base64')
    .regex(PNG_BASE64_PREFIX, 'a chart image must be a PNG (it does not start with the PNG signature)'),
});
/** See {@link ChartImageSchema}. */
export type ChartImage = z.infer<typeof ChartImageSchema>;

/** The charts of a bundle: at most {@link MAX_BUNDLE_CHARTS}, each name once. */
export const ChartImagesSchema = z
  .array(ChartImageSchema)
  .max(MAX_BUNDLE_CHARTS, `a bundle may carry at most ${MAX_BUNDLE_CHARTS} chart images`)
  .refine((list) => new Set(list.map((c) => c.name)).size === list.length, 'chart names must be unique');

/** Names one open (upload + parse) for its progress events and its cancel. */
export const OpenRequestIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,64}$/, 'a request id is 1–64 letters, digits or dashes');

/** Steps of an open as the progress bar shows them. */
export const OpenPhaseSchema = z.enum(['uploading', 'reading', 'verifying', 'parsing']);

/** `trace:open-progress`: how far one open has come (fraction of its current phase, 0–1). */
export const OpenProgressEventSchema = z.object({
  requestId: OpenRequestIdSchema,
  phase: OpenPhaseSchema,
  fraction: z.number().min(0).max(1),
});

/** `trace:open-chunk`: the next piece of a file, in order (`offset` = bytes sent before it). */
export const OpenChunkSchema = z.object({
  requestId: OpenRequestIdSchema,
  offset: z.number().int().nonnegative(),
  totalBytes: z.number().int().positive(),
  base64: z.string().min(1).max(base64Length(UPLOAD_CHUNK_BYTES)),
});
