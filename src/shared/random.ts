/**
 * A small seedable PRNG, so loss and jitter are reproducible in tests and scenario reruns
 * (Math.random cannot be seeded).
 */

/** A function returning uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: 32-bit state, good enough statistical quality for drop decisions and jitter,
 * and fast (one call per packet on the relay's hot path).
 */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derives independent sub-seeds from one seed (e.g. one per direction and per connection). */
export function deriveSeed(seed: number, salt: number): number {
  let h = (seed ^ Math.imul(salt + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
