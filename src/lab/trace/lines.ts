/**
 * Splits a byte stream into UTF-8 lines without ever holding an over-long line: bytes of a
 * line past the cap are counted and dropped, so a hostile file cannot make the reader buffer
 * a gigabyte "line".
 */

/** Callbacks of a {@link LineSplitter}. */
export interface LineSink {
  /** A complete line (without `\n`), 1-based `lineNo`. */
  line(text: string, lineNo: number): void;
  /** A line over the cap, skipped; `bytes` is its length. */
  oversize(lineNo: number, bytes: number): void;
}

/** The bytes after the last newline, when the stream did not end with one. */
export interface LineTail {
  /** The last line's text, or undefined when the input ended with a newline (or was empty). */
  text: string | undefined;
  lineNo: number;
  /** True when the unterminated last line was over the cap (and dropped). */
  oversize: boolean;
}

/** Bytes of whole lines decoded at once. */
const WINDOW_BYTES = 1 << 20;

/** Push-style line splitter over Buffers (`\n` separated; a trailing `\r` is the parser's business). */
export class LineSplitter {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private discarding = false;
  private discardBytes = 0;
  private lineNo = 0;

  constructor(
    private readonly sink: LineSink,
    private readonly maxLineBytes: number,
  ) {}

  /** Feeds the next chunk; calls the sink for every line it completes. */
  push(chunk: Buffer): void {
    let pos = 0;
    const len = chunk.length;
    while (pos < len) {
      // A run of whole lines, at most WINDOW_BYTES of them, decoded at once and split as text:
      // one decode per run instead of one per line (a 0x0A byte never sits inside a UTF-8
      // sequence, so the lines come out as they would one by one).
      if (this.partBytes === 0 && !this.discarding) {
        // The window is never wider than the cap, so no line in it is over the cap.
        const end = Math.min(len, pos + Math.min(WINDOW_BYTES, this.maxLineBytes + 1));
        const last = chunk.lastIndexOf(10, end - 1);
        if (last >= pos) {
          this.lines(chunk.toString('utf8', pos, last));
          pos = last + 1;
          continue;
        }
      }
      const nl = chunk.indexOf(10, pos);
      if (nl === -1) {
        this.hold(chunk.subarray(pos));
        return;
      }
      const segBytes = nl - pos;
      this.lineNo++;
      if (this.discarding) {
        this.sink.oversize(this.lineNo, this.discardBytes + segBytes);
        this.discarding = false;
        this.discardBytes = 0;
      } else if (this.partBytes + segBytes > this.maxLineBytes) {
        this.sink.oversize(this.lineNo, this.partBytes + segBytes);
        this.parts = [];
        this.partBytes = 0;
      } else if (this.partBytes === 0) {
        this.sink.line(chunk.toString('utf8', pos, nl), this.lineNo);
      } else {
        this.parts.push(chunk.subarray(pos, nl));
        const text = Buffer.concat(this.parts, this.partBytes + segBytes).toString('utf8');
        this.parts = [];
        this.partBytes = 0;
        this.sink.line(text, this.lineNo);
      }
      pos = nl + 1;
    }
  }

  /** Hands each line of `text` (whole lines, the last one's newline left out) to the sink. */
  private lines(text: string): void {
    for (const line of text.split('\n')) this.sink.line(line, ++this.lineNo);
  }

  /** Ends the input: returns what follows the last newline. */
  end(): LineTail {
    const lineNo = this.lineNo + 1;
    if (this.discarding) {
      this.discarding = false;
      return { text: undefined, lineNo, oversize: true };
    }
    if (this.partBytes === 0) return { text: undefined, lineNo, oversize: false };
    const text = Buffer.concat(this.parts, this.partBytes).toString('utf8');
    this.parts = [];
    this.partBytes = 0;
    return { text, lineNo, oversize: false };
  }

  private hold(rest: Buffer): void {
    if (rest.length === 0) return;
    if (this.discarding) {
      this.discardBytes += rest.length;
    } else if (this.partBytes + rest.length > this.maxLineBytes) {
      this.discarding = true;
      this.discardBytes = this.partBytes + rest.length;
      this.parts = [];
      this.partBytes = 0;
    } else {
      // Copy: a held slice would pin the whole (possibly large) chunk.
      this.parts.push(Buffer.from(rest));
      this.partBytes += rest.length;
    }
  }
}
