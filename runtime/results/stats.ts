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

/**
 * Exact two-sided p-value of `k` successes in `n` trials under Binomial(n, 1/2): twice the
 * smaller tail, at most 1 (the distribution is symmetric, so this equals scipy's
 * `binomtest(k, n, 0.5).pvalue`). McNemar's exact test is this with k = b and n = b + c,
 * b and c the discordant counts. Summed in log space so n in the tens of thousands is exact
 * to about 1e-12 relative.
 */
export function binomialTwoSidedHalf(k: number, n: number): number {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || n < 0 || k > n) throw new RangeError(`binomial test needs 0 <= k <= n, integers (got k = ${k}, n = ${n})`);
  const m = Math.min(k, n - k);
  if (2 * m === n) return 1;
  // log C(n, m), then the tail C(n, i) for i = m .. 0 relative to C(n, m) (terms shrink as i falls).
  let logChoose = 0;
  for (let j = 1; j <= m; j++) logChoose += Math.log((n - m + j) / j);
  let term = 1;
  let sum = 1;
  for (let i = m; i > 0; i--) {
    term *= i / (n - i + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return Math.min(1, 2 * Math.exp(logChoose - n * Math.LN2) * sum);
}

/** McNemar's exact two-sided test on the discordant pairs: b = only A right, c = only B right. */
export function mcnemarExact(b: number, c: number): number {
  return binomialTwoSidedHalf(b, b + c);
}

/**
 * Exact two-sided sign-flip test of paired differences that take integer values: under the
 * null each nonzero difference is as likely positive as negative, independently, so
 * T = sum of differences has the distribution of sum of ±|d_i|. Returns P(|T| >= |t_observed|),
 * by convolution over the distinct magnitudes (cost: number of nonzero differences times the
 * range of T). With every |d_i| = 1 it is the two-sided binomial test (McNemar's).
 */
export function signFlipTwoSided(differences: ArrayLike<number>): number {
  const magnitudes = new Map<number, number>(); // |d| -> how many
  let observed = 0;
  for (let i = 0; i < differences.length; i++) {
    const d = differences[i];
    if (!Number.isInteger(d)) throw new RangeError(`sign-flip test needs integer differences (got ${d})`);
    if (d === 0) continue;
    observed += d;
    magnitudes.set(Math.abs(d), (magnitudes.get(Math.abs(d)) ?? 0) + 1);
  }
  if (observed === 0) return 1;
  if ([...magnitudes.keys()].every((k) => k === 1)) {
    const n = magnitudes.get(1)!;
    return binomialTwoSidedHalf((n + observed) / 2, n);
  }
  // pmf of T + total (shifted to be non-negative), built one magnitude group at a time.
  const total = [...magnitudes].reduce((s, [k, m]) => s + k * m, 0);
  let pmf = new Float64Array(2 * total + 1);
  let width = 0; // current support: 0 .. 2 * width (offset by width)
  pmf[0] = 1;
  for (const [k, m] of magnitudes) {
    // k * (2B - m), B ~ Binomial(m, 1/2): values -k*m .. k*m in steps of 2k.
    const binom = binomialHalfPmf(m);
    const next = new Float64Array(2 * total + 1);
    for (let s = 0; s <= 2 * width; s++) {
      const ps = pmf[s];
      if (ps === 0) continue;
      for (let b = 0; b <= m; b++) next[s + 2 * k * b] += ps * binom[b];
    }
    pmf = next;
    width += k * m;
  }
  const t = Math.abs(observed);
  let tail = 0;
  for (let s = total + t; s <= 2 * total; s++) tail += pmf[s];
  return Math.min(1, 2 * tail);
}

/** P(B = b) for B ~ Binomial(m, 1/2), b = 0 .. m, computed in log space. */
function binomialHalfPmf(m: number): Float64Array {
  const out = new Float64Array(m + 1);
  let logChoose = 0;
  for (let b = 0; b <= m; b++) {
    if (b > 0) logChoose += Math.log((m - b + 1) / b);
    out[b] = Math.exp(logChoose - m * Math.LN2);
  }
  return out;
}
