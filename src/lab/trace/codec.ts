/**
 * Writing traces to disk (export, `faultline run --out`): streaming, optionally gzip, and
 * atomic (a temporary file renamed into place, so a crash never leaves half an export under
 * the final name). The text encoding itself is the pure one in `shared/trace/serialize.ts`.
 */
import { createWriteStream } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { TraceHeader, TraceRecord } from '../../shared/trace/records';
import { serializeHeader, serializeRecord } from '../../shared/trace/serialize';

export {
  serializeTrace,
  serializeHeader,
  serializeRecord,
  makeHeader,
  redact,
} from '../../shared/trace/serialize';
export { parseTraceText } from '../../shared/trace/parse';

/** Options of {@link writeTrace}. */
export interface WriteTraceOptions {
  /** Gzip the file; default: when the path ends in `.gz`. */
  gzip?: boolean;
  /** zlib level 1–9 (default 6). */
  level?: number;
}

const LINES_PER_CHUNK = 2000;

async function* asyncTraceChunks(
  header: TraceHeader,
  records: AsyncIterable<TraceRecord>,
): AsyncGenerator<string> {
  yield serializeHeader(header) + '\n';
  let lines: string[] = [];
  for await (const record of records) {
    lines.push(serializeRecord(record));
    if (lines.length >= LINES_PER_CHUNK) {
      yield lines.join('\n') + '\n';
      lines = [];
    }
  }
  if (lines.length > 0) yield lines.join('\n') + '\n';
}

/**
 * A trace as text in pieces of {@link LINES_PER_CHUNK} lines (header first, every line ending in
 * a newline): the same text as `serializeTrace`, never all of it in one string.
 */
export function* traceChunks(header: TraceHeader, records: Iterable<TraceRecord>): Generator<string> {
  yield serializeHeader(header) + '\n';
  let lines: string[] = [];
  for (const record of records) {
    lines.push(serializeRecord(record));
    if (lines.length >= LINES_PER_CHUNK) {
      yield lines.join('\n') + '\n';
      lines = [];
    }
  }
  if (lines.length > 0) yield lines.join('\n') + '\n';
}

/**
 * Writes a trace file (header, then one line per record) and resolves with its size in bytes.
 * `records` may be an async iterable (streamed from a journal: never all in memory).
 * Records pass the redaction guard. Rejects with the file system's error (the temporary file is
 * removed) or with a TypeError for a record JSON cannot hold.
 */
export async function writeTrace(
  path: string,
  header: TraceHeader,
  records: Iterable<TraceRecord> | AsyncIterable<TraceRecord>,
  opts: WriteTraceOptions = {},
): Promise<{ path: string; bytes: number }> {
  const gzip = opts.gzip ?? /\.gz$/i.test(path);
  const tmp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  const chunks =
    Symbol.asyncIterator in records
      ? asyncTraceChunks(header, records)
      : traceChunks(header, records as Iterable<TraceRecord>);
  const source = Readable.from(chunks, { objectMode: false });
  const file = createWriteStream(tmp, { highWaterMark: 1 << 20 });
  try {
    if (gzip) await pipeline(source, createGzip({ level: opts.level ?? 6 }), file);
    else await pipeline(source, file);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  return { path, bytes: (await stat(path)).size };
}
