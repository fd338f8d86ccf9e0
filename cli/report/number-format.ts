// Durations in reports; accuracy, Delta, n/a and the subset are runtime/results/numbers.ts and
// runtime/results/step-text.ts (one formatter for every output).
import { NOT_AVAILABLE } from '../../runtime/results/numbers.js';

export function durationText(seconds: number): string {
  if (!Number.isFinite(seconds)) return NOT_AVAILABLE;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${Math.round(seconds - m * 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
