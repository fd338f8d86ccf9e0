// Statistics over repeats: mean, sample standard deviation, and the 95% confidence interval
// of a Delta paired by seed. The interval is Student's t on the per-seed differences
// (mean ± t(0.975, n-1) · s / √n): with 3–10 seeds the t quantile matters (4.30 at n = 3),
// and pairing removes the seed-to-seed spread the arms share.
import type { Stat } from '../results.js';
import { studentTQuantile } from './t-distribution.js';

export const CONFIDENCE_LEVEL = 0.95;

/** Mean, sample std (n - 1; 0 for one value), min, max of values in the given order. */
export function summarize(values: number[]): Stat {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, min: NaN, max: NaN, n: 0, values: [] };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = n > 1 ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values), n, values: [...values] };
}

export interface ConfidenceInterval {
  level: number; // e.g. 0.95
  lower: number;
  upper: number;
  /** True when 0 lies outside [lower, upper]: the Delta is unlikely to be seed noise alone. */
  excludesZero: boolean;
}

/** Two-sided Student t-interval for the mean of values; null with fewer than two values. */
export function tInterval(values: number[], level = CONFIDENCE_LEVEL): ConfidenceInterval | null {
  const s = summarize(values);
  if (s.n < 2) return null;
  const half = studentTQuantile(1 - (1 - level) / 2, s.n - 1) * (s.std / Math.sqrt(s.n));
  const lower = s.mean - half;
  const upper = s.mean + half;
  return { level, lower, upper, excludesZero: lower > 0 || upper < 0 };
}

export interface PairedDelta {
  /** Seeds present on both sides, in the given seed order. */
  seeds: number[];
  /** Summary of accuracy(arm, seed) - accuracy(baseline, seed) over those seeds. */
  stat: Stat;
  /** Null with fewer than two paired seeds: one seed gives no interval. */
  interval: ConfidenceInterval | null;
}

/** The Delta of an arm against its baseline, paired by seed; seeds missing on either side are left out. */
export function pairedDelta(
  seeds: number[],
  arm: ReadonlyMap<number, number>,
  baseline: ReadonlyMap<number, number>,
  level = CONFIDENCE_LEVEL,
): PairedDelta {
  const paired = seeds.filter((s) => arm.has(s) && baseline.has(s));
  const diffs = paired.map((s) => arm.get(s)! - baseline.get(s)!);
  return { seeds: paired, stat: summarize(diffs), interval: tInterval(diffs, level) };
}
