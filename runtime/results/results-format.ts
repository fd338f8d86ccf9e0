// The results table as files: Markdown (results.md, the talk's Table 1 layout) and CSV
// (results.csv). Accuracy in percent, Delta in percentage points.
import type { Results } from '../results.js';
import type { ProtocolTable } from './protocol-table.js';
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
  if (results.protocol) lines.push('', ...protocolMarkdown(results.protocol, results.seeds.length));
  return `${lines.join('\n')}\n`;
}

/** The names of the three protocols, as every table of them says it. */
export const PROTOCOL_ROWS = [
  { key: 'final', delta: 'deltaFinal', name: 'final epoch' },
  { key: 'selected', delta: 'deltaSelected', name: 'validation-selected epoch' },
  { key: 'bestTest', delta: 'deltaBestTest', name: 'best test epoch (test-selected, optimistic)' },
] as const;

/** One row per arm and protocol, one column per test set: accuracy, and Delta where there is a baseline. */
export function protocolMarkdown(protocol: ProtocolTable, seeds: number): string[] {
  const head = ['arm', 'epoch reported', ...protocol.testSets];
  const lines = [
    '## Final epoch, validation-selected epoch, best test epoch',
    '',
    'Accuracy in % (Δ in points against the baseline\'s same quantity, paired by seed)' +
      `${seeds > 1 ? ', mean ± std over seeds' : ''}. The validation-selected epoch is chosen on the held-out validation split only; ` +
      'the best test epoch is the talk\'s "best accuracy reached", chosen on each test set itself, so it is biased upwards.',
    '',
    `| ${head.join(' | ')} |`,
    `| ${head.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`,
  ];
  for (const c of protocol.columns) {
    for (const row of PROTOCOL_ROWS) {
      if (!protocol.testSets.some((t) => c.cells[t]?.[row.key])) continue;
      const cells = protocol.testSets.map((t) => {
        const cell = c.cells[t];
        const acc = cell?.[row.key];
        const delta = cell?.[row.delta];
        return `${accuracyText(acc)}${c.baseline && delta ? ` (Δ ${deltaText(delta)})` : ''}`;
      });
      lines.push(`| ${c.arm} | ${row.name} | ${cells.join(' | ')} |`);
    }
  }
  const epochs = protocol.columns.filter((c) => Object.keys(c.selectedEpoch).length > 0);
  if (epochs.length > 0) {
    lines.push('', 'Validation-selected epoch per seed (within the scored train step):', '');
    for (const c of epochs) lines.push(`- ${c.arm}: ${Object.entries(c.selectedEpoch).map(([seed, e]) => `seed ${seed}: ${e}/${c.epochs}`).join(', ')}`);
  }
  return lines;
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
