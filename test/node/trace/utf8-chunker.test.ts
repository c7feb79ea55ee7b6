/** The UTF-8 chunker: the bytes of everything added, in order, in chunks that stay as handed out. */
import { describe, expect, it } from 'vitest';
import { Utf8Chunker } from '../../../src/lab/trace/utf8-chunker';

describe('Utf8Chunker', () => {
  it('hands out exactly the UTF-8 of what was added, in chunks of at most its size', () => {
    const chunker = new Utf8Chunker(64);
    const pieces = ['abc', 'état → ü', '😀😀', 'x'.repeat(63), '', 'y'.repeat(200), 'z', '→'.repeat(21)];
    const chunks: Buffer[] = [];
    const copies: Buffer[] = [];
    for (let round = 0; round < 20; round++)
      for (const piece of pieces) {
        const full = chunker.add(piece);
        if (full) {
          // Only a piece that may take more than a chunk (3 bytes a unit) comes out in a longer one.
          if (piece.length * 3 <= 64) expect(full.length).toBeLessThanOrEqual(64);
          chunks.push(full);
          copies.push(Buffer.from(full));
        }
      }
    const rest = chunker.take();
    expect(rest!.length).toBeLessThanOrEqual(64);
    chunks.push(rest!);
    copies.push(Buffer.from(rest!));
    expect(chunker.take()).toBeNull();
    expect(Buffer.concat(chunks).toString('utf8')).toBe(pieces.join('').repeat(20));
    // No chunk was written again after it was handed out.
    chunks.forEach((chunk, i) => expect(chunk.equals(copies[i]!)).toBe(true));
  });
});
