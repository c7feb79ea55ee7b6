/** Seeded pseudo-random numbers for tests (xorshift32): the same values on every run. */

/** A stream of 32-bit states from `seed` (not 0). */
export function xorshift32(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x;
  };
}

/** Numbers in [0, 1) from `seed`. */
export function seededUnit(seed: number): () => number {
  const next = xorshift32(seed);
  return () => (next() >>> 0) / 2 ** 32;
}

/** `n` bytes from `seed` (the low byte of each state): noise that deflate cannot shrink. */
export function seededBytes(n: number, seed: number): Buffer {
  const next = xorshift32(seed);
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = next() & 0xff;
  return out;
}
