/**
 * The one parser of trace format v1, with two front ends: {@link parseTraceText} here (pure, for
 * the renderer's importer) and the Node streaming reader (`src/lab/trace/reader.ts`), which
 * splits a byte stream into lines and feeds them to the same {@link TraceLineParser}.
 */
import { RECORD_TYPES, TRACE_FORMAT, TRACE_VERSION, TraceHeaderSchema, TraceRecordSchema } from './records';
import type { TraceHeader, TraceRecord } from './records';
import { CodedError } from '../errors';
import { compileInPlaceCheck } from './in-place-check';

/** Why a trace could not be read at all (a truncated or partly invalid trace still opens). */
export type TraceReadErrorCode =
  'NOT_A_TRACE' | 'WRONG_FORMAT' | 'NEWER_VERSION' | 'TOO_LARGE' | 'CORRUPT_GZIP' | 'IO_ERROR' | 'ABORTED';

/**
 * A trace that cannot be opened. `code` is stable (the CLI and the renderer branch on it);
 * `message` says what happened and what to do, for a person.
 */
export class TraceReadError extends CodedError<TraceReadErrorCode> {
  override readonly name = 'TraceReadError';
}

/** One line the parser could not use, with its 1-based line number in the file. */
export interface InvalidLine {
  line: number;
  error: string;
}

/** What a reader returns: everything intact, plus an account of what was left out and why. */
export interface ReadTraceResult {
  header: TraceHeader;
  /** Records in file order (which is seq order for a well-formed trace). */
  records: TraceRecord[];
  skipped: {
    /** Records of a type this version does not know (newer writers may add types). */
    unknownType: number;
    /** Lines that are not valid records (listed up to {@link MAX_LISTED_INVALID}). */
    invalid: InvalidLine[];
    /** All invalid lines, including those not listed. */
    invalidTotal: number;
    /** Lines over the line-length cap, skipped without being parsed. */
    oversize: number;
  };
  /** True when the file ends mid-line or mid-gzip-stream: the intact part was read. */
  truncated: boolean;
  /** Plain sentences for a person: truncation, ordering problems, skipped lines. */
  warnings: string[];
}

/** Default cap on one line (1 MiB); longer lines are skipped with a warning. */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
/** At most this many invalid lines are listed one by one; the rest are only counted. */
export const MAX_LISTED_INVALID = 1000;

const KNOWN_TYPES: ReadonlySet<string> = new Set(RECORD_TYPES);
/** True for a record zod would accept unchanged: kept as `JSON.parse` made it (no copy). */
const acceptsAsIs = compileInPlaceCheck(TraceRecordSchema);
/** Seq numbers up to this bound are tracked in a bitmap for duplicate detection; above, in a Set. */
const BITMAP_SEQ_LIMIT = 1 << 24;

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function zodIssues(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/**
 * Parses and checks line 1. Throws {@link TraceReadError}: `NOT_A_TRACE` when the line is not a
 * JSON object with a `format`, `WRONG_FORMAT` for another format, `NEWER_VERSION` for a newer
 * major version, `NOT_A_TRACE` again when a v1 header misses required fields.
 */
export function parseHeaderLine(line: string): TraceHeader {
  const text = line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TraceReadError(
      'NOT_A_TRACE',
      'This file is not a Faultline trace: its first line is not JSON. Open a .ndjson or .ndjson.gz file exported by Faultline.',
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('format' in value)) {
    throw new TraceReadError(
      'NOT_A_TRACE',
      'This file is not a Faultline trace: its first line has no "format" field. Open a .ndjson or .ndjson.gz file exported by Faultline.',
    );
  }
  const obj = value as Record<string, unknown>;
  if (obj.format !== TRACE_FORMAT) {
    throw new TraceReadError(
      'WRONG_FORMAT',
      `This file is in format ${JSON.stringify(obj.format)}, not "${TRACE_FORMAT}"; Faultline cannot open it.`,
    );
  }
  const major =
    typeof obj.version === 'number'
      ? Math.floor(obj.version)
      : typeof obj.version === 'string'
        ? Number.parseInt(obj.version, 10)
        : NaN;
  if (Number.isFinite(major) && major > TRACE_VERSION) {
    throw new TraceReadError(
      'NEWER_VERSION',
      `This trace was written by a newer Faultline (trace format v${major}); this one reads v${TRACE_VERSION}. Update Faultline to open it.`,
    );
  }
  const parsed = TraceHeaderSchema.safeParse(obj);
  if (!parsed.success) {
    throw new TraceReadError(
      'NOT_A_TRACE',
      `The trace header (line 1) is not valid: ${zodIssues(parsed.error)}. The file may be damaged.`,
    );
  }
  return parsed.data;
}

/**
 * Line-by-line trace parser: header on the first line, then records. Feed it lines (without
 * the newline) in file order, then call {@link TraceLineParser.finish}. Validates every record
 * (files are untrusted), keeps unknown fields, skips unknown types, and notes order problems.
 */
export class TraceLineParser {
  private header: TraceHeader | null = null;
  private readonly records: TraceRecord[] = [];
  private readonly invalid: InvalidLine[] = [];
  private invalidTotal = 0;
  private unknownType = 0;
  private oversize = 0;
  private firstOversizeLine = 0;
  private maxSeq = 0;
  private outOfOrder = 0;
  private firstOutOfOrderLine = 0;
  private duplicates = 0;
  private firstDuplicateLine = 0;
  private seqBits = new Uint8Array(1024);
  private readonly seqSet = new Set<number>();
  private readonly extraWarnings: string[] = [];

  /** The header, once line 1 was parsed. */
  get parsedHeader(): TraceHeader | null {
    return this.header;
  }

  /** Records accepted so far. */
  get recordCount(): number {
    return this.records.length;
  }

  /** Parses one line (1-based `lineNo`). Throws only on line 1 (see {@link parseHeaderLine}). */
  pushLine(line: string, lineNo: number): void {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (this.header === null) {
      this.header = parseHeaderLine(text);
      return;
    }
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.addInvalid(lineNo, `not JSON (${describe(e)})`);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.addInvalid(lineNo, 'not a JSON object');
      return;
    }
    const type = (value as { type?: unknown }).type;
    if (typeof type !== 'string') {
      this.addInvalid(lineNo, 'no "type" field');
      return;
    }
    if (!KNOWN_TYPES.has(type)) {
      this.unknownType++;
      return;
    }
    let record: TraceRecord;
    if (acceptsAsIs(value)) record = value as TraceRecord;
    else {
      const parsed = TraceRecordSchema.safeParse(value);
      if (!parsed.success) {
        this.addInvalid(lineNo, `invalid ${type} record: ${zodIssues(parsed.error)}`);
        return;
      }
      record = parsed.data;
    }
    this.noteSeq(record.seq, lineNo);
    this.records.push(record);
  }

  /** Notes a line that was over the length cap and skipped unread. */
  skipOversize(lineNo: number, bytes: number, capBytes: number): void {
    if (this.header === null) {
      throw new TraceReadError(
        'NOT_A_TRACE',
        `This file is not a Faultline trace: its first line is longer than ${capBytes} bytes (${bytes}+).`,
      );
    }
    this.oversize++;
    if (this.firstOversizeLine === 0) this.firstOversizeLine = lineNo;
  }

  /** Adds a warning of the front end (e.g. truncation). */
  warn(message: string): void {
    this.extraWarnings.push(message);
  }

  /**
   * Ends parsing. `truncatedTail` is the last line when the input ended without a newline
   * (or mid-gzip-stream); it is parsed if intact and otherwise reported as truncation.
   */
  finish(opts: { truncatedTail?: string; tailLineNo?: number; streamCut?: boolean } = {}): ReadTraceResult {
    let truncated = opts.streamCut === true;
    const tail = opts.truncatedTail;
    const tailNo = opts.tailLineNo ?? 0;
    if (tail !== undefined && tail.trim() !== '') {
      if (this.header === null) {
        if (!looksComplete(tail)) {
          throw new TraceReadError(
            'NOT_A_TRACE',
            'This file ends before its first line (the header) is complete; it is not a readable Faultline trace.',
          );
        }
        this.pushLine(tail, tailNo);
      } else if (looksComplete(tail) && !truncated) {
        this.pushLine(tail, tailNo);
      } else if (looksComplete(tail)) {
        // A complete-looking line before a cut stream: keep it if it parses, else it was cut.
        const before = this.invalidTotal;
        this.pushLine(tail, tailNo);
        if (this.invalidTotal > before) this.dropLastInvalid();
      } else {
        truncated = true;
      }
    }
    if (this.header === null) {
      throw new TraceReadError(
        'NOT_A_TRACE',
        'This file is empty; a Faultline trace starts with a header line.',
      );
    }
    const warnings: string[] = [];
    if (truncated) {
      warnings.push(
        `The trace is truncated (the writer stopped mid-${opts.streamCut ? 'stream' : 'line'}, e.g. it was killed); the ${this.records.length} intact records were read.`,
      );
    }
    warnings.push(...this.extraWarnings);
    if (this.outOfOrder > 0) {
      warnings.push(
        `${this.outOfOrder} record(s) are out of seq order (first at line ${this.firstOutOfOrderLine}); they are kept in file order.`,
      );
    }
    if (this.duplicates > 0) {
      warnings.push(
        `${this.duplicates} record(s) repeat a seq number seen before (first at line ${this.firstDuplicateLine}); they are kept.`,
      );
    }
    if (this.invalidTotal > 0) {
      const first = this.invalid[0];
      warnings.push(
        `${this.invalidTotal} line(s) are not valid records and were skipped` +
          (first ? ` (first at line ${first.line}: ${first.error})` : '') +
          '.',
      );
    }
    if (this.invalidTotal > this.invalid.length) {
      warnings.push(`Only the first ${this.invalid.length} invalid lines are listed.`);
    }
    if (this.oversize > 0) {
      warnings.push(
        `${this.oversize} line(s) are longer than the line cap and were skipped (first at line ${this.firstOversizeLine}).`,
      );
    }
    if (this.unknownType > 0) {
      warnings.push(
        `${this.unknownType} record(s) of types this version does not know were skipped (written by a newer Faultline?).`,
      );
    }
    return {
      header: this.header,
      records: this.records,
      skipped: {
        unknownType: this.unknownType,
        invalid: this.invalid,
        invalidTotal: this.invalidTotal,
        oversize: this.oversize,
      },
      truncated,
      warnings,
    };
  }

  private addInvalid(line: number, error: string): void {
    this.invalidTotal++;
    if (this.invalid.length < MAX_LISTED_INVALID) this.invalid.push({ line, error });
  }

  private dropLastInvalid(): void {
    this.invalidTotal--;
    this.invalid.pop();
  }

  private noteSeq(seq: number, lineNo: number): void {
    if (seq <= this.maxSeq) {
      if (this.seenSeq(seq)) {
        this.duplicates++;
        if (this.firstDuplicateLine === 0) this.firstDuplicateLine = lineNo;
      } else {
        this.outOfOrder++;
        if (this.firstOutOfOrderLine === 0) this.firstOutOfOrderLine = lineNo;
      }
    } else {
      this.maxSeq = seq;
    }
    this.markSeq(seq);
  }

  private seenSeq(seq: number): boolean {
    if (seq < BITMAP_SEQ_LIMIT) {
      const byte = seq >>> 3;
      return byte < this.seqBits.length && (this.seqBits[byte]! & (1 << (seq & 7))) !== 0;
    }
    return this.seqSet.has(seq);
  }

  private markSeq(seq: number): void {
    if (seq >= BITMAP_SEQ_LIMIT) {
      this.seqSet.add(seq);
      return;
    }
    const byte = seq >>> 3;
    if (byte >= this.seqBits.length) {
      let size = this.seqBits.length;
      while (size <= byte) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.seqBits);
      this.seqBits = grown;
    }
    this.seqBits[byte]! |= 1 << (seq & 7);
  }
}

/** A JSON object line ends with `}`; anything else at the end of a file was cut. */
function looksComplete(line: string): boolean {
  return line.trimEnd().endsWith('}');
}

/**
 * Parses a whole trace held in memory (the renderer's importer, after it has decompressed the
 * file). Same rules and results as the Node reader; a file without a final newline whose last
 * line is cut reports `truncated`.
 */
export function parseTraceText(text: string, opts: { maxLineChars?: number } = {}): ReadTraceResult {
  const cap = opts.maxLineChars ?? DEFAULT_MAX_LINE_BYTES;
  const parser = new TraceLineParser();
  let pos = 0;
  let lineNo = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    lineNo++;
    if (nl === -1) {
      const tail = text.slice(pos);
      if (tail.length > cap) {
        parser.skipOversize(lineNo, tail.length, cap);
        return parser.finish();
      }
      return parser.finish({ truncatedTail: tail, tailLineNo: lineNo });
    }
    if (nl - pos > cap) parser.skipOversize(lineNo, nl - pos, cap);
    else parser.pushLine(text.slice(pos, nl), lineNo);
    pos = nl + 1;
  }
  return parser.finish();
}
