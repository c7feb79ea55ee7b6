/**
 * Trace files in the page (browser mode, where there is no native dialog): read an uploaded
 * `.ndjson` / `.ndjson.gz` with the shared parser, and build the bytes of an export.
 */
import { gunzipSync, gzipSync, strFromU8, strToU8 } from 'fflate';
import { parseTraceText } from '../../../shared/trace/parse';
import type { TraceHeader, TraceRecord } from '../../../shared/trace/records';
import { serializeTrace } from '../../../shared/trace/serialize';

/** What the trace store shows for an opened file. */
export interface OpenedTrace {
  name: string;
  header: TraceHeader;
  records: TraceRecord[];
  truncated: boolean;
  warnings: string[];
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parses trace bytes (gzip detected by its magic number). Throws the shared reader's
 * TraceReadError (with a message that says what to open instead) when it is not a trace.
 */
export function readTraceBytes(name: string, bytes: Uint8Array): OpenedTrace {
  let text: string;
  const warnings: string[] = [];
  let truncated = false;
  if (isGzip(bytes)) {
    try {
      text = strFromU8(gunzipSync(bytes));
    } catch (error) {
      throw new Error(
        `${name} looks gzip-compressed but could not be decompressed (${(error as Error).message}). ` +
          'It may be cut short; try the uncompressed .ndjson, or export the trace again.',
      );
    }
  } else {
    text = strFromU8(bytes);
  }
  const result = parseTraceText(text);
  truncated = result.truncated;
  warnings.push(...result.warnings);
  return { name, header: result.header, records: result.records, truncated, warnings };
}

/** The bytes and file name of an export of `header` + `records`. */
export function traceExport(
  header: TraceHeader,
  records: readonly TraceRecord[],
  gzip: boolean,
): { bytes: Uint8Array; name: string } {
  const text = serializeTrace(header, records);
  const stamp = header.startedAt.replace(/[:.]/g, '-');
  const bytes = strToU8(text);
  return gzip
    ? { bytes: gzipSync(bytes), name: `faultline-${stamp}.ndjson.gz` }
    : { bytes, name: `faultline-${stamp}.ndjson` };
}
