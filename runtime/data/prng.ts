// A small seeded pseudo-random generator (mulberry32): deterministic across platforms and
// Node versions, unlike Math.random. Used for the occlusion fillings; the runtime may reuse it.

/** A stream of pseudo-random numbers; every method advances the stream. */
export interface Prng {
  /** Uniform 32-bit unsigned integer. */
  uint32(): number;
  /** Uniform float in [0, 1). */
  float(): number;
  /** Uniform integer in [0, n), n >= 1 (rejection sampling, so no modulo bias). */
  int(n: number): number;
  /** Uniform integer in [lo, hi], both inclusive (like Python's random.randint). */
  intBetween(lo: number, hi: number): number;
  /** Standard normal variate (Box-Muller). */
  normal(): number;
}

/** FNV-1a hash of a string, for deriving independent streams from one seed (e.g. per test set). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mixes a seed with a label into a new 32-bit seed, so `deriveSeed(s, 'a')` and `deriveSeed(s, 'b')` give unrelated streams. */
export function deriveSeed(seed: number, label: string): number {
  // splitmix32-style finaliser over seed xor hash(label).
  let z = (Math.trunc(seed) ^ hashString(label)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A mulberry32 generator seeded with any integer (taken modulo 2^32). */
export function createPrng(seed: number): Prng {
  let state = Math.trunc(seed) >>> 0;
  const uint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const float = (): number => uint32() / 4294967296;
  const int = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) throw new RangeError(`Prng.int: n must be an integer in 1..2^32, got ${n}`);
    // Largest multiple of n that fits in 2^32: draws at or above it are rejected.
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = uint32();
      if (x < limit) return x % n;
    }
  };
  let spareNormal: number | null = null;
  const normal = (): number => {
    if (spareNormal !== null) {
      const s = spareNormal;
      spareNormal = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = float();
    const v = float();
    const r = Math.sqrt(-2 * Math.log(u));
    spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return {
    uint32,
    float,
    int,
    intBetween: (lo, hi) => lo + int(hi - lo + 1),
    normal,
  };
}
