// How numbers read everywhere (terminal, results.md/csv, reports): accuracy as a percentage
// with two decimals, Delta as signed percentage points, spreads as `± std`. One minus sign
// (ASCII `-`) and one word for a missing number.

export const NOT_AVAILABLE = 'n/a';

/** Accuracy fraction 0..1 as a percentage with two decimals: `98.55`. */
export function percent(fraction: number): string {
  return Number.isFinite(fraction) ? (fraction * 100).toFixed(2) : NOT_AVAILABLE;
}

/** Difference of two accuracy fractions in percentage points, always signed: `+0.31`, `-1.20`. */
export function points(fraction: number): string {
  if (!Number.isFinite(fraction)) return NOT_AVAILABLE;
  const text = Math.abs(fraction * 100).toFixed(2);
  // -0.001 rounds to 0.00: shown as +0.00 rather than -0.00.
  return `${fraction < 0 && text !== '0.00' ? '-' : '+'}${text}`;
}

interface Spread {
  mean: number;
  std: number;
  n: number;
}

/** `98.55 ± 0.12` with repeats, `98.55` for one seed, n/a for none. */
export function accuracyText(s: Spread | null | undefined): string {
  if (!s || s.n === 0) return NOT_AVAILABLE;
  return s.n > 1 ? `${percent(s.mean)} ± ${percent(s.std)}` : percent(s.mean);
}

/** `+4.45 ± 0.80` with repeats, `+4.45` for one seed, n/a for none. */
export function deltaText(s: Spread | null | undefined): string {
  if (!s || s.n === 0) return NOT_AVAILABLE;
  return s.n > 1 ? `${points(s.mean)} ± ${percent(s.std)}` : points(s.mean);
}
