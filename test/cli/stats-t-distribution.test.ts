import { describe, expect, it } from 'vitest';
import { studentTCdf, studentTQuantile } from '../../runtime/results/t-distribution.js';

// Two-sided 95% critical values t(0.975, df) from standard tables.
const TABLE_0975: [number, number][] = [
  [1, 12.706], [2, 4.303], [3, 3.182], [4, 2.776], [5, 2.571], [6, 2.447], [7, 2.365], [8, 2.306], [9, 2.262],
  [10, 2.228], [15, 2.131], [20, 2.086], [29, 2.045], [30, 2.042], [60, 2.0], [120, 1.98],
];

describe('Student t quantile', () => {
  it.each(TABLE_0975)('t(0.975, df=%i) matches the table value %f', (df, expected) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(expected, 3);
  });

  it('approaches the normal quantile 1.95996 for large df', () => {
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.95996, 4);
  });

  it('gives other levels too: t(0.95, 10) = 1.812, t(0.995, 5) = 4.032', () => {
    expect(studentTQuantile(0.95, 10)).toBeCloseTo(1.812, 3);
    expect(studentTQuantile(0.995, 5)).toBeCloseTo(4.032, 3);
  });

  it('is antisymmetric around 0.5 and inverts the CDF', () => {
    for (const df of [1, 2, 3, 7, 25]) {
      expect(studentTQuantile(0.025, df)).toBeCloseTo(-studentTQuantile(0.975, df), 10);
      expect(studentTCdf(studentTQuantile(0.9, df), df)).toBeCloseTo(0.9, 9);
    }
    expect(studentTQuantile(0.5, 4)).toBe(0);
  });

  it('rejects probabilities outside (0, 1) and non-positive df', () => {
    expect(() => studentTQuantile(1, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(0.5, 0)).toThrow(RangeError);
  });
});
