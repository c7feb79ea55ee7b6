/**
 * `openSupportFile`: one entry point for anything support receives — a Faultline bundle (zip),
 * a trace (`.ndjson` or `.ndjson.gz`), a chrome://webrtc-internals dump or an rtcstats dump —
 * told apart by content, never by name. Resolves with trace records, or rejects with a
 * {@link SupportOpenError} only. It runs in the calling thread; the app, browser mode and the CLI
 * open files with `openSupportFileInWorker` (worker-host.ts), which runs it in a worker thread.
 * Browser dumps are streamed (dump.ts), so what it holds is the records it makes.
 */
import { open as openFile, readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { constants, gunzipSync } from 'node:zlib';
import { SupportOpenError } from '../../../shared/support/import/errors';
import { detectContainer, detectText } from '../../../shared/support/import/detect';
import { tooManyRecords } from '../../../shared/support/import/build';
import type { TraceHeader, TraceRecord } from '../../../shared/trace/records';
import { openBundle } from './bundle';
import { importDump } from './dump';
import type { BundleManifest } from './manifest';
import type { OpenContext, OpenProgress } from './context';
import { readTraceAsSupport } from './trace';

/** What was opened. */
export type SupportFileKind = 'bundle' | 'trace' | 'webrtc-internals' | 'rtcstats';

/** Options of {@link openSupportFile}. */
export interface OpenSupportOptions {
  /** Cap on the file and on every decompressed size (default 512 MiB). */
  maxBytes?: number;
  /** Called as the open advances (errors thrown by it are ignored). */
  onProgress?: (progress: OpenProgress) => void;
  /** Cancels the open: it rejects with code `ABORTED`. */
  signal?: AbortSignal;
  /** Most records a file may open into; past it, `TOO_LARGE` (default {@link DEFAULT_MAX_OPEN_RECORDS}). */
  maxRecords?: number;
}

/** An opened support file, as trace records. */
export interface OpenedSupportFile {
  kind: SupportFileKind;
  header: TraceHeader;
  records: TraceRecord[];
  /** Plain sentences for a person: truncation, skipped lines, ignored members. */
  warnings: string[];
  /** True when the trace was cut off and only its intact part was read. */
  truncated: boolean;
  /** The checked manifest, for a bundle. */
  manifest?: BundleManifest;
  /** The bundle's other verified members (environment.json, app.log…), by name. */
  files?: Map<string, Uint8Array>;
}

/** Default cap on the bytes of a support file and of anything decompressed from it. */
export const DEFAULT_MAX_SUPPORT_BYTES = 512 * 1024 * 1024;
/** Default cap on the records of an opened file (a browser dump stops making them there). */
export const DEFAULT_MAX_OPEN_RECORDS = 5_000_000;
const HEAD_BYTES = 64 * 1024;

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SupportOpenError('ABORTED', 'Opening the file was cancelled.');
}

function tooLarge(max: number, what: string): SupportOpenError {
  return new SupportOpenError(
    'TOO_LARGE',
    `${what} is larger than the ${max}-byte limit; it was not opened.`,
  );
}

async function readHead(path: string, max: number): Promise<{ head: Uint8Array; size: number }> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    size = info.size;
  } catch (e) {
    throw new SupportOpenError('UNREADABLE', `Cannot read ${path}: ${(e as Error).message}.`, { cause: e });
  }
  if (size > max) throw tooLarge(max, 'The file');
  try {
    const fh = await openFile(path, 'r');
    try {
      const buf = Buffer.alloc(Math.min(HEAD_BYTES, size));
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      return { head: buf.subarray(0, bytesRead), size };
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new SupportOpenError('UNREADABLE', `Cannot read ${path}: ${(e as Error).message}.`, { cause: e });
  }
}

async function readAll(input: string | Uint8Array): Promise<Uint8Array> {
  if (typeof input !== 'string') return input;
  try {
    return await readFile(input);
  } catch (e) {
    throw new SupportOpenError('UNREADABLE', `Cannot read ${input}: ${(e as Error).message}.`, { cause: e });
  }
}

/** The start of a gzip stream's content, for sniffing (bounded: 4 KiB in → ≤ 4 MiB out). */
function gunzipHead(head: Uint8Array): Uint8Array {
  try {
    return gunzipSync(head.subarray(0, 4096), {
      finishFlush: constants.Z_SYNC_FLUSH,
      maxOutputLength: 1 << 22,
    });
  } catch {
    return new Uint8Array(0);
  }
}

/**
 * Opens a support file from a path or bytes. Rejects with {@link SupportOpenError}: `EMPTY`,
 * `WRONG_FORMAT`, `NEWER_VERSION`, `CORRUPT`, `CORRUPT_BUNDLE` (with `file`), `TRUNCATED`,
 * `TOO_LARGE`, `UNREADABLE`, `ABORTED`.
 */
export async function openSupportFile(
  input: string | Uint8Array,
  opts: OpenSupportOptions = {},
): Promise<OpenedSupportFile> {
  const ctx: OpenContext = {
    maxBytes: opts.maxBytes ?? DEFAULT_MAX_SUPPORT_BYTES,
    signal: opts.signal,
    progress: (phase, done, total) => {
      try {
        opts.onProgress?.({ phase, done, total });
      } catch {
        // A progress display's failure must not fail the open.
      }
    },
  };
  const maxRecords = opts.maxRecords ?? DEFAULT_MAX_OPEN_RECORDS;
  try {
    const opened = await openInner(input, ctx, maxRecords);
    if (opened.records.length > maxRecords) throw tooManyRecords(maxRecords);
    return opened;
  } catch (e) {
    if (e instanceof SupportOpenError) throw e;
    throw new SupportOpenError(
      'UNREADABLE',
      `The file could not be opened: ${(e as Error)?.message ?? String(e)}.`,
      { cause: e },
    );
  }
}

async function openInner(
  input: string | Uint8Array,
  ctx: OpenContext,
  maxRecords: number,
): Promise<OpenedSupportFile> {
  checkAbort(ctx.signal);
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw new SupportOpenError('UNREADABLE', 'openSupportFile needs a file path or bytes.');
  }
  let head: Uint8Array;
  let size: number;
  if (typeof input === 'string') ({ head, size } = await readHead(input, ctx.maxBytes));
  else {
    size = input.length;
    if (size > ctx.maxBytes) throw tooLarge(ctx.maxBytes, 'The file');
    head = input.subarray(0, HEAD_BYTES);
  }
  ctx.progress('reading', 0, size);
  const container = detectContainer(head);
  if (container === 'empty')
    throw new SupportOpenError('EMPTY', 'This file is empty; there is nothing to open.');

  if (container === 'zip') {
    const bytes = await readAll(input);
    ctx.progress('reading', bytes.length, size);
    const b = await openBundle(bytes, ctx);
    const { header, records, truncated } = b.trace;
    return {
      kind: 'bundle',
      header,
      records,
      truncated,
      warnings: [...b.warnings, ...b.trace.warnings],
      manifest: b.manifest,
      files: b.files,
    };
  }

  const textHead = new TextDecoder().decode(container === 'gzip' ? gunzipHead(head) : head);
  const kind = detectText(textHead);
  const asStream = (): string | Readable =>
    typeof input === 'string'
      ? input
      : Readable.from([Buffer.from(input.buffer, input.byteOffset, input.byteLength)]);
  if (kind === 'trace') {
    const t = await readTraceAsSupport(asStream(), ctx);
    return {
      kind: 'trace',
      header: t.header,
      records: t.records,
      truncated: t.truncated,
      warnings: t.warnings,
    };
  }
  if (kind === 'unknown') {
    throw new SupportOpenError(
      'WRONG_FORMAT',
      'This file is not a Faultline trace or bundle, a chrome://webrtc-internals dump or an rtcstats dump.',
    );
  }
  const result = await importDump(kind, { input, size, gzip: container === 'gzip' }, ctx, { maxRecords });
  checkAbort(ctx.signal);
  ctx.progress('parsing', size, size);
  return {
    kind: kind === 'rtcstats' ? 'rtcstats' : 'webrtc-internals',
    header: result.header,
    records: result.records,
    truncated: result.warnings.some((w) => w.includes('cut off')),
    warnings: result.warnings,
  };
}
