// How numbers read in reports: accuracy in percent, Delta in signed percentage points,
// both with two decimals as in the talk's Table 1.
import type { Stat } from '../../runtime/results.js';
import type { Subset } from '../../runtime/events.js';

export function percent(fraction: number): string {
  return Number.isFinite(fraction) ? (fraction * 100).toFixed(2) : '—';
}

export function points(fraction: number): string {
  if (!Number.isFinite(fraction)) return '—';
  const v = fraction * 100;
  const text = Math.abs(v).toFixed(2);
  return `${v < 0 && text !== '0.00' ? '−' : '+'}${text}`;
}

/** `98.55 ± 0.12` with repeats, `98.55` for one seed. */
export function accuracyText(s: Stat | null): string {
  if (!s || s.n === 0) return '—';
  return s.n > 1 ? `${percent(s.mean)} ± ${(s.std * 100).toFixed(2)}` : percent(s.mean);
}

/** `+4.45 ± 0.80` with repeats, `+4.45` for one seed. */
export function deltaText(s: Stat): string {
  return s.n > 1 ? `${points(s.mean)} ± ${(s.std * 100).toFixed(2)}` : points(s.mean);
}

export function durationText(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${Math.round(seconds - m * 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function subsetText(subset: Subset): string {
  const train = subset.train === null ? 'all training images' : `first ${subset.train} training images`;
  const test = subset.test === null ? 'all test images' : `first ${subset.test} test images per set`;
  return `${train}, ${test}`;
}
