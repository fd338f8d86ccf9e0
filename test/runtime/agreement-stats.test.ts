import { describe, expect, it } from 'vitest';
import { binomialTwoSidedHalf, mcnemarExact, signFlipTwoSided } from '../../runtime/results/stats.js';
import { agreement, agreementCounts, combineOverSeeds } from '../../runtime/results/agreement.js';

// Exact two-sided binomial p at 1/2 as a rational: 2 * sum_{i <= min(k, n-k)} C(n, i) / 2^n
// (1 when k = n/2), turned into the nearest double through BigInt (independent of the
// log-space sum under test).
function exactP(k: number, n: number): number {
  const m = Math.min(k, n - k);
  if (2 * m === n) return 1;
  let c = 1n;
  let sum = 1n;
  for (let i = 1; i <= m; i++) {
    c = (c * BigInt(n - i + 1)) / BigInt(i);
    sum += c;
  }
  const num = 2n * sum;
  const den = 1n << BigInt(n);
  if (num >= den) return 1;
  const shift = den.toString(2).length - num.toString(2).length + 60;
  return Number((num << BigInt(shift)) / den) * 2 ** -shift;
}

describe("McNemar's exact test (two-sided binomial at 1/2)", () => {
  // Source: scipy 1.17.1, `scipy.stats.binomtest(k, n, 0.5).pvalue`, printed with repr().
  const SCIPY: [number, number, number][] = [
    [1, 10, 0.021484375],
    [0, 7, 0.015625],
    [5, 10, 1.0],
    [3, 4, 0.625],
    [12, 40, 0.01658900337497471],
    [60, 150, 0.017597691928785828],
    [480, 1000, 0.2174482932041415],
    [400, 1000, 2.728464156065947e-10],
    [4950, 10000, 0.32217419979531087],
  ];
  it.each(SCIPY)('binomtest(%i, %i) = %f as scipy computes it', (k, n, p) => {
    expect(binomialTwoSidedHalf(k, n)).toBeCloseTo(p, 12);
    expect(Math.abs(binomialTwoSidedHalf(k, n) - p) / p).toBeLessThan(1e-9);
    expect(binomialTwoSidedHalf(n - k, n)).toBe(binomialTwoSidedHalf(k, n)); // symmetric
  });

  it('agrees with exact rational arithmetic for every k at small n and sampled k at large n', () => {
    for (const n of [0, 1, 2, 3, 9, 20, 33]) {
      for (let k = 0; k <= n; k++) expect(Math.abs(binomialTwoSidedHalf(k, n) - exactP(k, n))).toBeLessThanOrEqual(1e-12 * exactP(k, n));
    }
    for (const [k, n] of [[0, 200], [17, 300], [2400, 5000], [4800, 10000], [9000, 20000]]) {
      const exact = exactP(k, n);
      expect(Math.abs(binomialTwoSidedHalf(k, n) - exact) / exact).toBeLessThan(1e-9);
    }
  });

  it('is the test of the discordant counts b vs c, and refuses impossible counts', () => {
    expect(mcnemarExact(1, 9)).toBe(binomialTwoSidedHalf(1, 10));
    expect(mcnemarExact(0, 0)).toBe(1);
    expect(() => binomialTwoSidedHalf(3, 2)).toThrow(RangeError);
    expect(() => binomialTwoSidedHalf(-1, 2)).toThrow(RangeError);
  });
});

// Every one of the 2^n sign assignments of the nonzero differences, counted exactly.
function bruteForceSignFlip(d: number[]): number {
  const nz = d.filter((x) => x !== 0);
  const t = Math.abs(nz.reduce((s, x) => s + x, 0));
  let extreme = 0;
  for (let mask = 0; mask < 1 << nz.length; mask++) {
    let sum = 0;
    for (let i = 0; i < nz.length; i++) sum += (mask >> i) & 1 ? Math.abs(nz[i]) : -Math.abs(nz[i]);
    if (Math.abs(sum) >= t) extreme++;
  }
  return extreme / 2 ** nz.length;
}

describe('the sign-flip test of integer differences (combination over seeds)', () => {
  it('matches enumerating every sign assignment', () => {
    const cases = [
      [2, 2, 1, -1, 0, 3, 1, 1, 2],
      [3, -3, 3, 3, 1, 2, 0, 0, 2, 2, -1, 3],
      [1, 1, 1, 2, -2, 1, 1, 1, 1, 1, 3, 1, 2, 1, -1, 1],
      [-2, -2, -1, -3, -1, 1, -2],
    ];
    for (const d of cases) expect(signFlipTwoSided(d)).toBeCloseTo(bruteForceSignFlip(d), 13);
  });

  it('is the binomial (McNemar) test when every difference is ±1, and 1 for no net difference', () => {
    const d = [...Array(60).fill(1), ...Array(90).fill(-1), ...Array(500).fill(0)];
    expect(signFlipTwoSided(d)).toBe(binomialTwoSidedHalf(60, 150));
    expect(signFlipTwoSided([2, -2, 1, -1])).toBe(1);
    expect(signFlipTwoSided([])).toBe(1);
    expect(() => signFlipTwoSided([0.5])).toThrow(RangeError);
  });

  it('handles thousands of images and three seeds (strong evidence gives tiny p, mixed gives large)', () => {
    const strong = [...Array(300).fill(3), ...Array(200).fill(1), ...Array(250).fill(-1)];
    expect(signFlipTwoSided(strong)).toBeLessThan(1e-20);
    const mixed = [...Array(300).fill(2), ...Array(300).fill(-2), ...Array(41).fill(1), ...Array(40).fill(-1)];
    expect(signFlipTwoSided(mixed)).toBeGreaterThan(0.9);
  });
});

describe('agreement of two evaluations', () => {
  const labels = Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
  it('counts both right / only A / only B / both wrong', () => {
    const a = Uint8Array.from([0, 1, 2, 3, 9, 9, 9, 9]);
    const b = Uint8Array.from([0, 1, 9, 9, 4, 9, 9, 9]);
    expect(agreementCounts(a, b, labels)).toEqual({ bothRight: 2, onlyA: 2, onlyB: 1, bothWrong: 3, n: 8 });
    const r = agreement('t', [{ seed: 1, a, b }], labels);
    expect(r.perSeed[0].p).toBe(1); // 2 vs 1 discordant: P = 2 * (1 + 3) / 8 = 1
    expect(r.combined).toBeNull();
  });

  it('combines seeds per image: an image is one unit however many seeds it is discordant in', () => {
    // Image 0: A right in both seeds, B in neither (net +2). Image 1: A right in seed 1 only,
    // B in seed 2 only (net 0, tied). Image 2: B better once (net -1). The rest: all right.
    const l = Uint8Array.from([0, 1, 2, 3]);
    const s1 = { seed: 1, a: Uint8Array.from([0, 1, 2, 3]), b: Uint8Array.from([9, 9, 2, 3]) };
    const s2 = { seed: 2, a: Uint8Array.from([0, 9, 9, 3]), b: Uint8Array.from([9, 1, 2, 3]) };
    const c = combineOverSeeds([s1, s2], l);
    // Nets: +2, 0, -1, 0. Sign flips of {2, 1}: |sum| >= 1 always, so p = 1.
    expect(c).toEqual({ seeds: [1, 2], aBetter: 1, bBetter: 1, tied: 2, netSum: 1, p: 1 });
    expect(agreement('t', [s1, s2], l).combined).toEqual(c);
  });

  it('with one seed the combined test is the per-seed McNemar test', () => {
    const n = 200;
    const l = new Uint8Array(n);
    const a = new Uint8Array(n);
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = i % 7 === 0 ? 1 : 0;
      b[i] = i % 3 === 0 ? 1 : 0;
    }
    const c = agreementCounts(a, b, l);
    const one = combineOverSeeds([{ seed: 4, a, b }], l);
    expect([one.aBetter, one.bBetter]).toEqual([c.onlyA, c.onlyB]);
    expect(one.p).toBe(mcnemarExact(c.onlyA, c.onlyB));
  });

  it('refuses predictions and labels of different lengths', () => {
    expect(() => agreementCounts(new Uint8Array(3), new Uint8Array(3), new Uint8Array(4))).toThrow(RangeError);
  });
});
