/**
 * Streaming trace reader (Node front end of the one trace parser in `shared/trace/parse.ts`):
 * reads `.ndjson` or `.ndjson.gz` (gzip detected by its magic bytes, not the name) from a path
 * or a stream, line by line, with size caps that also bound the decompressed size.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DEFAULT_MAX_LINE_BYTES, TraceLineParser, TraceReadError } from '../../shared/trace/parse';
import type { ReadTraceResult } from '../../shared/trace/parse';
import { LineSplitter } from './lines';

export { TraceReadError } from '../../shared/trace/parse';
export type { ReadTraceResult, TraceReadErrorCode, InvalidLine } from '../../shared/trace/parse';

/**
 * Default cap on the bytes read, compressed and decompressed alike (512 MiB ≈ 5 M records).
 * Records in memory take ~1.7× their text (measured: 106 MiB of NDJSON → ~180 MiB of heap), so
 * this keeps a read well inside Node's default heap.
 */
export const DEFAULT_MAX_TRACE_BYTES = 512 * 1024 * 1024;

/** Progress of a read, for a progress bar. */
export interface ReadProgress {
  /** Bytes read from the file or stream (compressed bytes for gzip). */
  bytesRead: number;
  /** The file's size when reading a path, else null. */
  totalBytes: number | null;
  /** Bytes of NDJSON text seen so far (after decompression). */
  textBytes: number;
  /** Records accepted so far. */
  records: number;
}

/** Options of {@link readTrace}. */
export interface ReadTraceOptions {
  /** Cap on the bytes read and on the decompressed bytes (gzip-bomb guard); default 512 MiB. */
  maxBytes?: number;
  /** Cap on one line; longer lines are skipped with a warning (default 1 MiB). */
  maxLineBytes?: number;
  /** Called now and then while reading (at most every ~50 ms) and once at the end. */
  onProgress?: (progress: ReadProgress) => void;
  /** Aborts the read: it rejects with code `ABORTED`. */
  signal?: AbortSignal;
}

const PROGRESS_EVERY_MS = 50;

function isGzip(first: Buffer): boolean {
  return first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
}

function zlibCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('Z_') ? code : undefined;
}

/**
 * Reads a whole trace. Resolves with what is intact (a file cut mid-line or mid-gzip-stream
 * opens with `truncated: true`); rejects only with a {@link TraceReadError}:
 * `NOT_A_TRACE`, `WRONG_FORMAT`, `NEWER_VERSION`, `TOO_LARGE`, `CORRUPT_GZIP`, `IO_ERROR`, `ABORTED`.
 */
export async function readTrace(
  input: string | Readable,
  opts: ReadTraceOptions = {},
): Promise<ReadTraceResult> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_TRACE_BYTES;
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let totalBytes: number | null = null;
  let source: Readable;
  if (typeof input === 'string') {
    try {
      const info = await stat(input);
      if (!info.isFile()) throw new Error('not a regular file');
      totalBytes = info.size;
    } catch (e) {
      throw new TraceReadError('IO_ERROR', `Cannot read ${input}: ${(e as Error).message}.`, { cause: e });
    }
    if (totalBytes > maxBytes) throw tooLarge(maxBytes, 'The file');
    source = createReadStream(input, { highWaterMark: 1 << 20 });
  } else if (input instanceof Readable) {
    source = input;
  } else {
    throw new TraceReadError('IO_ERROR', 'readTrace needs a file path or a readable stream.');
  }

  const parser = new TraceLineParser();
  const splitter = new LineSplitter(
    {
      line: (text, lineNo) => parser.pushLine(text, lineNo),
      oversize: (lineNo, bytes) => parser.skipOversize(lineNo, bytes, maxLineBytes),
    },
    maxLineBytes,
  );
  const progress: ReadProgress = { bytesRead: 0, totalBytes, textBytes: 0, records: 0 };
  let lastProgress = 0;
  const report = (force: boolean): void => {
    if (!opts.onProgress) return;
    const now = Date.now();
    if (!force && now - lastProgress < PROGRESS_EVERY_MS) return;
    lastProgress = now;
    progress.records = parser.recordCount;
    try {
      opts.onProgress({ ...progress });
    } catch {
      // A progress display's failure must not fail the read.
    }
  };
  const checkAbort = (): void => {
    if (opts.signal?.aborted) throw new TraceReadError('ABORTED', 'Reading the trace was cancelled.');
  };

  let gunzip: ReturnType<typeof createGunzip> | null = null;
  let streamCut = false;
  try {
    checkAbort();
    const it = source[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
    const nextRaw = async (): Promise<Buffer | null> => {
      let r: IteratorResult<Buffer | string>;
      try {
        r = await it.next();
      } catch (e) {
        throw new TraceReadError('IO_ERROR', `Reading the trace failed: ${(e as Error).message}.`, {
          cause: e,
        });
      }
      if (r.done) return null;
      const chunk = typeof r.value === 'string' ? Buffer.from(r.value, 'utf8') : r.value;
      progress.bytesRead += chunk.length;
      if (progress.bytesRead > maxBytes) throw tooLarge(maxBytes, 'The file');
      checkAbort();
      report(false);
      return chunk;
    };
    const feedText = (chunk: Buffer): void => {
      progress.textBytes += chunk.length;
      if (progress.textBytes > maxBytes) throw tooLarge(maxBytes, 'The decompressed trace');
      splitter.push(chunk);
    };

    // Look at the first bytes to tell gzip from plain text.
    let head = (await nextRaw()) ?? Buffer.alloc(0);
    while (head.length < 2) {
      const more = await nextRaw();
      if (!more) break;
      head = Buffer.concat([head, more]);
    }

    if (!isGzip(head)) {
      if (head.length > 0) feedText(head);
      for (let chunk = await nextRaw(); chunk; chunk = await nextRaw()) feedText(chunk);
    } else {
      gunzip = createGunzip({ chunkSize: 1 << 16 });
      const zipped = gunzip;
      const rawGen = async function* (): AsyncGenerator<Buffer> {
        yield head;
        for (let chunk = await nextRaw(); chunk; chunk = await nextRaw()) yield chunk;
      };
      const raw = Readable.from(rawGen(), { objectMode: false });
      raw.on('error', (e) => zipped.destroy(e));
      raw.pipe(zipped);
      try {
        for await (const chunk of zipped as AsyncIterable<Buffer>) feedText(chunk);
      } catch (e) {
        if (e instanceof TraceReadError) throw e;
        const code = zlibCode(e);
        if (code === 'Z_BUF_ERROR') {
          streamCut = true;
        } else if (code) {
          throw new TraceReadError(
            'CORRUPT_GZIP',
            `The gzip data of this trace is damaged (${(e as Error).message}); it cannot be decompressed.`,
            { cause: e },
          );
        } else {
          throw new TraceReadError('IO_ERROR', `Reading the trace failed: ${(e as Error).message}.`, {
            cause: e,
          });
        }
      } finally {
        raw.destroy();
      }
    }

    const tail = splitter.end();
    if (tail.oversize) parser.skipOversize(tail.lineNo, maxLineBytes + 1, maxLineBytes);
    const result = parser.finish({ truncatedTail: tail.text, tailLineNo: tail.lineNo, streamCut });
    report(true);
    return result;
  } catch (e) {
    if (e instanceof TraceReadError) throw e;
    throw new TraceReadError('IO_ERROR', `Reading the trace failed: ${(e as Error)?.message ?? String(e)}.`, {
      cause: e,
    });
  } finally {
    gunzip?.destroy();
    if (!source.destroyed) source.destroy();
  }
}

function tooLarge(maxBytes: number, what: string): TraceReadError {
  return new TraceReadError(
    'TOO_LARGE',
    `${what} is larger than the ${formatBytes(maxBytes)} limit; it was not opened. Raise the limit if you trust the file.`,
  );
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024 * 1024) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 * 1024) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
