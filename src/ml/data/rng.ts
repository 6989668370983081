/**
 * Seeded randomness for splits, sampling and batch order.
 *
 * Hand-written on purpose (a few lines): the streams decide which example lands in which split,
 * so they must stay bit-identical forever; a library upgrade that changed its generator would
 * silently move examples between train and test and invalidate every cached result.
 * Algorithm: a stream is named by (seed, purpose...) -> FNV-1a 32-bit hash of the string
 * `${seed}/${purpose...}` -> mulberry32. Shuffles are Fisher-Yates from the last index down.
 */

/** FNV-1a, 32-bit, over the UTF-16 code units of `s`. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a fast 32-bit generator returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An independent stream for one purpose, e.g. `rngFor(seed, 'split', classIndex)`. */
export function rngFor(seed: number, ...purpose: Array<string | number>): () => number {
  return mulberry32(hashString([String(seed), ...purpose.map(String)].join('/')));
}

/** Fisher-Yates shuffle in place; returns the same array. */
export function shuffleInPlace<T>(items: T[], rand: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
  return items;
}

/** 0..n-1 in a seeded random order. */
export function permutation(n: number, rand: () => number): number[] {
  return shuffleInPlace(Array.from({ length: n }, (_, i) => i), rand);
}
