// What report.md / report.html say, as document blocks: the run's identity, the results
// table (talk's Table 1 layout, one column group per arm), the Delta intervals, every
// evaluation per seed, the charts, the sample images and the notes.
import type { Results } from '../../runtime/results.js';
import type { Block, ReportDocument } from './document.js';
import { durationText } from './number-format.js';
import { accuracyText, deltaText, NOT_AVAILABLE, percent, points } from '../../runtime/results/numbers.js';
import { subsetText } from '../../runtime/results/step-text.js';
import type { ReportColumn, ReportTable } from './report-table.js';
import { testSetLabel } from './test-set-label.js';

export interface ReportFigure {
  caption: string;
  file: string; // relative to the run folder
  svg?: string;
  png?: Buffer;
}

export interface ReportInput {
  results: Results;
  planHash: string;
  table: ReportTable;
  charts: ReportFigure[];
  samples: ReportFigure[];
  /** Images shown per sample grid. */
  samplesPerSet: number;
  notes: string[];
}

export const EXCLUDES_ZERO_MARK = '*';

function baselineText(col: ReportColumn): string {
  const b = col.baseline;
  if (!b) return 'none';
  if (b.reason === 'snapshot') return `its own \`${b.label}\` snapshot`;
  return `\`${b.arm}\` (${b.label})`;
}

function resultsTable(table: ReportTable): Block {
  const header = ['test set'];
  const align: ('left' | 'right')[] = ['left'];
  for (const col of table.columns) {
    header.push(`${col.arm} acc. %`);
    align.push('right');
    if (col.baseline) {
      header.push(`${col.arm} Δ pts`);
      align.push('right');
    }
  }
  const rows = table.testSets.map((testSet, i) => {
    const row = [`\`${testSet}\``];
    for (const col of table.columns) {
      const cell = col.cells[i];
      row.push(accuracyText(cell.accuracy));
      if (col.baseline) {
        const d = cell.delta;
        row.push(d ? `${deltaText(d.stat)}${d.interval?.excludesZero ? ` ${EXCLUDES_ZERO_MARK}` : ''}` : NOT_AVAILABLE);
      }
    }
    return row;
  });
  return { kind: 'table', header, rows, align };
}

function intervalBlocks(table: ReportTable): Block[] {
  const withBaseline = table.columns.filter((c) => c.baseline);
  if (withBaseline.length === 0) {
    return [{ kind: 'paragraph', text: 'No arm has a baseline, so there is no Delta. Name one with `baseline NAME`, call an arm `baseline`, or add a `pretrain` step.' }];
  }
  const rows: string[][] = [];
  for (const col of withBaseline) {
    for (const cell of col.cells) {
      const d = cell.delta;
      if (!d) {
        rows.push([col.arm, `\`${cell.testSet}\``, '0', NOT_AVAILABLE, `${NOT_AVAILABLE} (no paired seed)`, NOT_AVAILABLE]);
        continue;
      }
      const ci = d.interval ? `[${points(d.interval.lower)}, ${points(d.interval.upper)}]` : `${NOT_AVAILABLE} (one seed)`;
      const excl = d.interval ? (d.interval.excludesZero ? `yes ${EXCLUDES_ZERO_MARK}` : 'no') : NOT_AVAILABLE;
      rows.push([col.arm, `\`${cell.testSet}\``, String(d.seeds.length), points(d.stat.mean), ci, excl]);
    }
  }
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text:
        'Delta = accuracy minus the baseline\'s accuracy on the same test set, computed per seed (paired) and then averaged. ' +
        'The 95% confidence interval is the Student t-interval on the per-seed differences: mean ± t(0.975, n − 1) · s / √n. ' +
        `\`${EXCLUDES_ZERO_MARK}\` marks an interval that excludes 0.`,
    },
    { kind: 'table', header: ['arm', 'test set', 'seeds', 'Delta pts', '95% CI pts', 'excludes 0'], rows, align: ['left', 'left', 'right', 'right', 'right', 'left'] },
  ];
  if (table.seeds.length < 2) {
    blocks.push({ kind: 'paragraph', text: 'This run has one seed, so there is no interval: a single Delta cannot tell an effect from seed noise. Add `repeat 3` (or more) to the experiment.' });
  }
  return blocks;
}

function allEvaluations(results: Results, table: ReportTable): Block {
  const testSets = table.testSets;
  const armOrder = table.columns.map((c) => c.arm);
  const pairs: { arm: string; label: string }[] = [];
  for (const e of results.evals) {
    if (!pairs.some((p) => p.arm === e.arm && p.label === e.label)) pairs.push({ arm: e.arm, label: e.label });
  }
  const rank = (arm: string) => (armOrder.indexOf(arm) < 0 ? armOrder.length : armOrder.indexOf(arm));
  pairs.sort((a, b) => rank(a.arm) - rank(b.arm));
  const acc = new Map(results.evals.map((e) => [`${e.arm}\u0000${e.label}\u0000${e.seed}\u0000${e.testSet}`, e.accuracy]));
  const rows: string[][] = [];
  for (const { arm, label } of pairs) {
    for (const seed of table.seeds) {
      const values = testSets.map((t) => acc.get(`${arm}\u0000${label}\u0000${seed}\u0000${t}`));
      if (values.every((v) => v === undefined)) continue;
      rows.push([arm, label, String(seed), ...values.map((v) => (v === undefined ? NOT_AVAILABLE : percent(v)))]);
    }
  }
  return {
    kind: 'table',
    header: ['arm', 'eval', 'seed', ...testSets.map(testSetLabel)],
    rows,
    align: ['left', 'left', 'right', ...testSets.map(() => 'right' as const)],
  };
}

/** The report as document blocks, ready for the Markdown and HTML writers. */
export function buildReportDocument(input: ReportInput): ReportDocument {
  const { results, table } = input;
  const seeds = table.seeds;
  const blocks: Block[] = [
    {
      kind: 'table',
      header: ['', ''],
      rows: [
        ['experiment file', `\`${results.file}\``],
        ['plan hash', `\`${input.planHash.slice(0, 12)}\``],
        ['backend', results.backend],
        ['seeds', `${seeds.join(', ')} (${seeds.length === 1 ? 'one seed' : `repeat ${seeds.length}`})`],
        ['data', subsetText(results.subset)],
        ['status', `${results.status}, ${durationText(results.seconds)}`],
        ['started', results.startedAt],
      ],
    },
    { kind: 'heading', level: 2, text: 'Results' },
    {
      kind: 'paragraph',
      text:
        `Accuracy (%) per test set and arm${seeds.length > 1 ? ', mean ± sample standard deviation over seeds' : ''}; ` +
        'Δ: gain in percentage points over the arm\'s baseline, paired by seed' +
        (seeds.length > 1 ? `; \`${EXCLUDES_ZERO_MARK}\`: its 95% confidence interval excludes 0.` : '.'),
    },
    resultsTable(table),
    { kind: 'list', items: table.columns.map((c) => `\`${c.arm}\`: reports eval \`${c.label}\`; baseline: ${baselineText(c)}`) },
    { kind: 'heading', level: 2, text: 'Delta intervals' },
    ...intervalBlocks(table),
    { kind: 'heading', level: 2, text: 'Charts' },
    ...input.charts.map((f): Block => ({ kind: 'figure', ...f })),
  ];
  if (input.samples.length > 0) {
    blocks.push({ kind: 'heading', level: 2, text: 'Test-set samples' });
    blocks.push({ kind: 'paragraph', text: `The first ${input.samplesPerSet} images of each test set as the networks saw them, with their labels.` });
    blocks.push(...input.samples.map((f): Block => ({ kind: 'figure', ...f })));
  }
  blocks.push({ kind: 'heading', level: 2, text: 'Every evaluation' });
  blocks.push({ kind: 'paragraph', text: 'Accuracy (%) of every evaluation in results.json, per arm, eval label and seed.' });
  blocks.push(allEvaluations(results, table));
  const notes = [...input.notes];
  if (results.status !== 'done') notes.unshift(`The run ended with status \`${results.status}\`: the numbers cover only what finished.`);
  for (const col of table.columns) {
    for (const p of col.problems) notes.push(`\`${col.arm}\` seed ${p.seed}: ${p.status}; left out of its statistics.`);
  }
  if (notes.length > 0) {
    blocks.push({ kind: 'heading', level: 2, text: 'Notes' });
    blocks.push({ kind: 'list', items: notes });
  }
  blocks.push({ kind: 'paragraph', text: 'Written by `mfx report` from the run folder\'s results.json, plan.json and events.jsonl; run `mfx report RUN_DIR` again to regenerate it.' });
  return { title: results.title, blocks };
}
