// How the terminal shows durations, counts, rates and losses; accuracy and Delta are
// runtime/results/numbers.ts (one formatter for every output).

/** Seconds as `12.3s`, `4m05s` or `1h02m`; `--` when unknown. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '--';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  return `${m}m${String(s).padStart(2, '0')}s`;
}

/** Integer with thousands separators: `12,345`. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  // Not toLocaleString: Intl formatting is slow enough to show up in a UI frame.
  const digits = String(Math.abs(Math.round(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 && Math.round(n) !== 0 ? `-${digits}` : digits;
}

/** Images per second, rounded: `1,234 img/s`. */
export function formatRate(imagesPerSec: number): string {
  return `${formatCount(imagesPerSec)} img/s`;
}

/** A training loss: four significant decimals, or `NaN`/`Inf` spelled out. */
export function formatLoss(loss: number): string {
  if (Number.isNaN(loss)) return 'NaN';
  if (!Number.isFinite(loss)) return loss > 0 ? 'Inf' : '-Inf';
  return loss >= 100 ? loss.toFixed(1) : loss.toFixed(4);
}
