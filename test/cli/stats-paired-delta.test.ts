import { describe, expect, it } from 'vitest';
import { pairedDelta, summarize, tInterval } from '../../runtime/results/stats.js';

describe('summarize', () => {
  it('gives the mean and the sample (n - 1) standard deviation', () => {
    const s = summarize([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s.mean).toBe(5);
    expect(s.std).toBeCloseTo(2.13809, 5); // sqrt(32 / 7)
    expect([s.min, s.max, s.n]).toEqual([2, 9, 8]);
  });

  it('has std 0 for one value', () => {
    expect(summarize([0.7])).toMatchObject({ mean: 0.7, std: 0, n: 1 });
  });
});

describe('tInterval', () => {
  it('is mean ± t(0.975, n-1)·s/√n: [1, 2, 3] → 2 ± 4.303/√3', () => {
    const ci = tInterval([1, 2, 3])!;
    expect(ci.lower).toBeCloseTo(2 - 4.30265 / Math.sqrt(3), 4);
    expect(ci.upper).toBeCloseTo(2 + 4.30265 / Math.sqrt(3), 4);
    expect(ci.excludesZero).toBe(false);
  });

  it('marks an interval that excludes 0, on either side', () => {
    expect(tInterval([0.04, 0.05, 0.06, 0.05, 0.045])!.excludesZero).toBe(true);
    expect(tInterval([-0.04, -0.05, -0.06])!.excludesZero).toBe(true);
    expect(tInterval([-0.01, 0.02, 0.005])!.excludesZero).toBe(false);
  });

  it('matches a textbook case: 10 values with mean 5 and s = 1 → 5 ± 0.7154', () => {
    const values = [3.5, 4, 4.5, 5, 5, 5, 5, 5.5, 6, 6.5];
    const s = summarize(values);
    const ci = tInterval(values)!;
    expect(ci.upper - s.mean).toBeCloseTo((2.262157 * s.std) / Math.sqrt(10), 5);
  });

  it('gives no interval for one value', () => {
    expect(tInterval([0.03])).toBeNull();
  });
});

describe('pairedDelta', () => {
  it('pairs by seed and leaves out seeds missing on either side', () => {
    const arm = new Map([[1, 0.7], [2, 0.72], [3, 0.69], [4, 0.71]]);
    const base = new Map([[1, 0.65], [2, 0.66], [4, 0.66]]);
    const d = pairedDelta([1, 2, 3, 4], arm, base);
    expect(d.seeds).toEqual([1, 2, 4]);
    expect(d.stat.values.map((v) => Number(v.toFixed(6)))).toEqual([0.05, 0.06, 0.05]);
    expect(d.interval).not.toBeNull();
    expect(d.interval!.excludesZero).toBe(true);
  });

  it('removes the spread the two arms share: the paired interval is narrower than the unpaired spread suggests', () => {
    // Seeds move both arms together by ±5 points; the gain is always 1 point.
    const arm = new Map([[1, 0.66], [2, 0.56], [3, 0.61]]);
    const base = new Map([[1, 0.65], [2, 0.55], [3, 0.6]]);
    const d = pairedDelta([1, 2, 3], arm, base);
    expect(d.stat.mean).toBeCloseTo(0.01, 10);
    expect(d.stat.std).toBeCloseTo(0, 10);
  });

  it('has no interval with one paired seed', () => {
    const d = pairedDelta([1], new Map([[1, 0.7]]), new Map([[1, 0.6]]));
    expect(d.stat.n).toBe(1);
    expect(d.interval).toBeNull();
  });
});
