// A one-line chart of recent losses: eight block heights scaled between the window's min and max.

const BARS = '▁▂▃▄▅▆▇█';

/** One character per value; non-finite values (a diverging loss) show as `!`. */
export function sparkline(values: readonly number[], width: number): string {
  const shown = values.slice(-Math.max(0, width));
  const finite = shown.filter(Number.isFinite);
  if (finite.length === 0) return '!'.repeat(shown.length);
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const span = max - min;
  return shown
    .map((v) => {
      if (!Number.isFinite(v)) return '!';
      const level = span > 0 ? Math.round(((v - min) / span) * (BARS.length - 1)) : 0;
      return BARS[level];
    })
    .join('');
}
