// The results table as files: Markdown (results.md, the talk's Table 1 layout) and CSV
// (results.csv). Accuracy in percent, Delta in percentage points.
import type { Results } from '../results.js';
import { accuracyText, deltaText } from './numbers.js';
import { subsetText } from './step-text.js';
import { columnName } from './results-table.js';

function headerCells(results: Results): string[] {
  const cells = ['test set'];
  for (const c of results.table.columns) {
    cells.push(`${columnName(c)} acc %`);
    if (c.baseline) cells.push(`${columnName(c)} Δ vs ${c.baseline.arm}${c.baseline.label === 'final' ? '' : `:${c.baseline.label}`}`);
  }
  return cells;
}

function rows(results: Results): string[][] {
  return results.table.testSets.map((testSet) => {
    const row = [testSet];
    for (const c of results.table.columns) {
      const cell = c.cells[testSet];
      row.push(accuracyText(cell?.accuracy));
      if (c.baseline) row.push(deltaText(cell?.delta));
    }
    return row;
  });
}

function notes(results: Results): string[] {
  const out: string[] = [];
  for (const c of results.table.columns.filter((col) => !col.labelled)) {
    for (const [seed, status] of Object.entries(c.status)) {
      if (status !== 'done') out.push(`${c.arm} (seed ${seed}): ${status}`);
    }
  }
  return out;
}

function subsetLine(results: Results): string | null {
  const { train, test } = results.subset;
  if (train === null && test === null) return null;
  return `Subset: ${subsetText(results.subset)}.`;
}

/** The talk's Table 1 layout as a Markdown document. */
export function formatResultsMarkdown(results: Results): string {
  const head = headerCells(results);
  const lines = [
    `# ${results.title}`,
    '',
    `Backend ${results.backend}, seeds ${results.seeds.join(', ')}, ${results.seconds.toFixed(1)} s, status ${results.status}. Accuracy in %, Δ in points${results.seeds.length > 1 ? ' (mean ± std over seeds, Δ paired by seed)' : ''}.`,
  ];
  const subset = subsetLine(results);
  if (subset) lines.push('', subset);
  lines.push('', `| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
  for (const row of rows(results)) lines.push(`| ${row.join(' | ')} |`);
  const n = notes(results);
  if (n.length > 0) lines.push('', ...n.map((x) => `- ${x}`));
  return `${lines.join('\n')}\n`;
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per (arm, test set): the numbers, unrounded, for spreadsheets. */
export function formatResultsCsv(results: Results): string {
  const lines = ['arm,label,test_set,n_seeds,accuracy_mean,accuracy_std,accuracy_min,accuracy_max,baseline,delta_mean,delta_std,delta_min,delta_max'];
  for (const c of results.table.columns) {
    for (const testSet of results.table.testSets) {
      const cell = c.cells[testSet];
      if (!cell) continue;
      const a = cell.accuracy;
      const d = cell.delta;
      const base = c.baseline ? `${c.baseline.arm}:${c.baseline.label}` : '';
      lines.push(
        [c.arm, c.label, testSet, a.n, a.mean, a.std, a.min, a.max, base, d?.mean ?? '', d?.std ?? '', d?.min ?? '', d?.max ?? '']
          .map((x) => csvField(String(x)))
          .join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
