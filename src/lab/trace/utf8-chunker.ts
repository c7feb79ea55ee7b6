/**
 * Text gathered into UTF-8 chunks of a fixed size, each piece encoded as it comes. Much cheaper
 * than joining strings and encoding the result: no rope to flatten, and no two-byte copy of a
 * whole chunk because one piece of it held a non-Latin-1 character (an arrow in a summary).
 * Measured on a 1,000,000-record export: 1.2 s of `Buffer.from` became 0.4 s of `buffer.write`.
 */

/** The chunk size when none is given. */
export const DEFAULT_CHUNK_BYTES = 256 * 1024;

/** See the file comment. Each chunk it hands out is a buffer of its own, never written again. */
export class Utf8Chunker {
  private buffer: Buffer;
  private used = 0;

  constructor(private readonly chunkBytes = DEFAULT_CHUNK_BYTES) {
    this.buffer = Buffer.allocUnsafe(chunkBytes);
  }

  /** Bytes gathered and not yet taken. */
  get size(): number {
    return this.used;
  }

  /**
   * Adds `text`. Returns the bytes to send now when the chunk filled up (what was gathered
   * before `text`, and `text` itself when it is larger than a chunk), else null.
   */
  add(text: string): Buffer | null {
    // A UTF-16 unit takes at most 3 bytes in UTF-8.
    if (this.used + text.length * 3 <= this.buffer.length) {
      this.used += this.buffer.write(text, this.used, 'utf8');
      return null;
    }
    const full = this.take();
    if (text.length * 3 > this.buffer.length) {
      const own = Buffer.from(text, 'utf8');
      return full ? Buffer.concat([full, own]) : own;
    }
    this.used = this.buffer.write(text, 0, 'utf8');
    return full;
  }

  /** What was gathered (null when nothing), leaving the chunker empty. */
  take(): Buffer | null {
    if (this.used === 0) return null;
    const bytes = this.buffer.subarray(0, this.used);
    this.buffer = Buffer.allocUnsafe(this.chunkBytes);
    this.used = 0;
    return bytes;
  }
}
