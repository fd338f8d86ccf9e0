// What report.md / report.html say, as document blocks: the run's identity, the results
// (accuracy and Delta tables, one row per arm, baselines first), the Delta intervals, every
// evaluation per seed, the charts, the sample images and the notes.
import { collapsedEvalNotes } from '../format/collapse-text.js';
import type { Results } from '../../runtime/results.js';
import type { Block, ReportDocument } from './document.js';
import { durationText } from './number-format.js';
import { accuracyText, deltaText, NOT_AVAILABLE, percent, points } from '../../runtime/results/numbers.js';
import { PROTOCOL_ROWS } from '../../runtime/results/results-format.js';
import { subsetText } from '../../runtime/results/step-text.js';
import { armSections, baselineArms, orderedColumns } from './arm-sections.js';
import type { ReportColumn, ReportTable } from './report-table.js';
import { testSetLabel } from './test-set-label.js';
import type { PairAgreement } from './agreement.js';
import { agreementExplanation, agreementTable } from './agreement-section.js';
import { columnName } from '../../runtime/results/results-table.js';

export interface ReportFigure {
  caption: string;
  file: string; // relative to the run folder
  svg?: string;
  png?: Buffer;
  /** The chart as a Vega spec, rendered interactively by report.html. */
  vega?: unknown;
}

export interface ReportInput {
  results: Results;
  planHash: string;
  table: ReportTable;
  charts: ReportFigure[];
  samples: ReportFigure[];
  /**
   * Each arm against its baseline per test set, from the stored predictions; each sum of heads
   * against each of its heads alone (`headPairs`, absent or empty without heads); and their chart.
   */
  agreement: { pairs: PairAgreement[]; headPairs?: PairAgreement[]; chart: ReportFigure | null };
  /** Images shown per sample grid. */
  samplesPerSet: number;
  notes: string[];
}

export const EXCLUDES_ZERO_MARK = '*';

function baselineText(col: ReportColumn): string {
  const b = col.baseline;
  if (!b) return 'none';
  if (b.reason === 'snapshot') return `own \`${b.label}\` snapshot`;
  return b.label === col.label ? `\`${b.arm}\`` : `\`${b.arm}\` (${b.label})`;
}

/** Rows in report order (baselines first, sweep templates together) with their section headings. */
function sectionedRows(table: ReportTable, columns: ReportColumn[], row: (col: ReportColumn) => string[]) {
  const sections = armSections(table)
    .map((s) => ({ title: s.title, columns: s.columns.filter((c) => columns.includes(c)) }))
    .filter((s) => s.columns.length > 0);
  // Headings only when there is more than one section; arms in no group are then `other arms`.
  const headed = sections.length > 1;
  return {
    rows: sections.flatMap((s) => s.columns.map(row)),
    sections: sections.map((s) => ({ title: headed ? (s.title ?? 'other arms') : null, rows: s.columns.length })),
  };
}

/** Accuracy: one row per arm, one column per test set (fits any number of arms). */
function accuracyTable(table: ReportTable): Block {
  const labels = new Set(table.columns.map((c) => c.label));
  const withLabel = labels.size > 1;
  const header = ['arm', ...(withLabel ? ['eval'] : []), ...table.testSets.map(testSetLabel)];
  const { rows, sections } = sectionedRows(table, table.columns, (col) => [
    withLabel ? col.arm : columnName(col),
    ...(withLabel ? [`\`${col.label}\``] : []),
    ...col.cells.map((cell) => accuracyText(cell.accuracy)),
  ]);
  const align = header.map((_, i): 'left' | 'right' => (i < (withLabel ? 2 : 1) ? 'left' : 'right'));
  return { kind: 'table', id: 'accuracy-table', header, rows, align, rowHeaders: true, sections };
}

/** Delta: one row per arm with a baseline, one column per test set, and what it is measured against. */
function deltaTable(table: ReportTable): Block | null {
  const columns = table.columns.filter((c) => c.baseline);
  if (columns.length === 0) return null;
  const header = ['arm', 'against', ...table.testSets.map(testSetLabel)];
  const { rows, sections } = sectionedRows(table, columns, (col) => [
    columnName(col),
    baselineText(col),
    ...col.cells.map((cell) => {
      const d = cell.delta;
      return d ? `${deltaText(d.stat)}${d.interval?.excludesZero ? ` ${EXCLUDES_ZERO_MARK}` : ''}` : NOT_AVAILABLE;
    }),
  ]);
  const align = header.map((_, i): 'left' | 'right' => (i < 2 ? 'left' : 'right'));
  return { kind: 'table', id: 'delta-table', header, rows, align, rowHeaders: true, sections };
}

function orderText(table: ReportTable): string {
  const first = baselineArms(table).size > 0;
  const grouped = table.columns.some((c) => c.group !== null);
  if (first && grouped) return '. Arms that others are measured against come first, then each sweep template\'s arms together.';
  if (first) return '. Arms that others are measured against come first.';
  return grouped ? '. Each sweep template\'s arms are listed together.' : '.';
}

function resultsBlocks(table: ReportTable): Block[] {
  const seeds = table.seeds;
  const labels = [...new Set(table.columns.map((c) => c.label))];
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text:
        `Accuracy (%) per arm and test set${seeds.length > 1 ? ', mean ± sample standard deviation over seeds' : ''}` +
        (labels.length === 1 ? `, of each arm's eval \`${labels[0]}\`` : '') +
        orderText(table),
    },
    accuracyTable(table),
  ];
  const delta = deltaTable(table);
  if (delta) {
    blocks.push({
      kind: 'paragraph',
      text:
        'Δ (percentage points): gain over the arm\'s baseline on the same test set, paired by seed' +
        (seeds.length > 1 ? `, mean ± std of the per-seed differences; \`${EXCLUDES_ZERO_MARK}\`: its 95% confidence interval excludes 0.` : '.'),
    });
    blocks.push(delta);
  }
  return blocks;
}

function intervalBlocks(table: ReportTable): Block[] {
  const withBaseline = orderedColumns(table).filter((c) => c.baseline);
  if (withBaseline.length === 0) {
    return [{ kind: 'paragraph', text: 'No arm has a baseline, so there is no Delta. Name one with `baseline NAME`, call an arm `baseline`, or add a `pretrain` step.' }];
  }
  const all = table.seeds.length;
  const intervalText = (cell: ReportColumn['cells'][number]): string => {
    const d = cell.delta;
    if (!d) return `${NOT_AVAILABLE} (no paired seed)`;
    if (!d.interval) return `${NOT_AVAILABLE} (one seed)`;
    const ci = `[${points(d.interval.lower)}, ${points(d.interval.upper)}]${d.interval.excludesZero ? ` ${EXCLUDES_ZERO_MARK}` : ''}`;
    return d.seeds.length < all ? `${ci} (${d.seeds.length} seeds)` : ci;
  };
  const { rows, sections } = sectionedRows(table, withBaseline, (col) => [columnName(col), ...col.cells.map(intervalText)]);
  const header = ['arm', ...table.testSets.map(testSetLabel)];
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text:
        'Delta = accuracy minus the baseline\'s accuracy on the same test set, computed per seed (paired) and then averaged. ' +
        'The 95% confidence interval (in points) is the Student t-interval on the per-seed differences: mean ± t(0.975, n − 1) · s / √n, ' +
        `over ${all === 1 ? 'the one seed' : `all ${all} seeds unless a cell says fewer`}. ` +
        `\`${EXCLUDES_ZERO_MARK}\` marks an interval that excludes 0.`,
    },
    { kind: 'table', id: 'interval-table', header, rows, sections, rowHeaders: true, align: header.map((_, i) => (i === 0 ? 'left' : 'right')) },
  ];
  if (table.seeds.length < 2) {
    blocks.push({ kind: 'paragraph', text: 'This run has one seed, so there is no interval: a single Delta cannot tell an effect from seed noise. Add `repeat 3` (or more) to the experiment.' });
  }
  return blocks;
}

function allEvaluations(results: Results, table: ReportTable): Block {
  const testSets = table.testSets;
  const armOrder = orderedColumns(table).map((c) => c.arm);
  const pairs: { arm: string; label: string }[] = [];
  // Epoch-scoring records (`@epoch-N`, `@selected-step-S`) are summarised in their own section.
  for (const e of results.evals) {
    if (e.epoch !== undefined) continue;
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

/** Final epoch, validation-selected epoch and best test epoch (results.json `protocol`), when the run scored epochs. */
function protocolBlocks(results: Results): Block[] {
  const protocol = results.protocol;
  if (!protocol) return [];
  const header = ['arm', 'epoch reported', ...protocol.testSets.map(testSetLabel)];
  const rows: string[][] = [];
  for (const c of protocol.columns) {
    for (const row of PROTOCOL_ROWS) {
      if (!protocol.testSets.some((t) => c.cells[t]?.[row.key])) continue;
      rows.push([
        c.arm,
        row.name,
        ...protocol.testSets.map((t) => {
          const cell = c.cells[t];
          const delta = cell?.[row.delta];
          return `${accuracyText(cell?.[row.key])}${c.baseline && delta ? ` (Δ ${deltaText(delta)})` : ''}`;
        }),
      ]);
    }
  }
  const selected = protocol.columns.filter((c) => Object.keys(c.selectedEpoch).length > 0);
  return [
    { kind: 'heading', level: 2, text: 'Final, validation-selected and best test epoch' },
    {
      kind: 'paragraph',
      text:
        'Accuracy (%) per arm at three epochs of the train step before its reported eval, with Δ against the baseline\'s same quantity, paired by seed. ' +
        'The validation-selected epoch is chosen on the held-out validation split only (`train N select`); the best test epoch is the talk\'s "best accuracy reached", ' +
        'chosen on each test set itself (`eval ... every epoch`), so it is biased upwards and is shown only to measure how much of a gap that protocol explains.',
    },
    { kind: 'table', id: 'protocol-table', header, rows, rowHeaders: true, align: header.map((_, i) => (i < 2 ? 'left' : 'right')) },
    ...(selected.length > 0
      ? [{ kind: 'list' as const, items: selected.map((c) => `\`${c.arm}\`: validation-selected epoch ${Object.entries(c.selectedEpoch).map(([seed, e]) => `${e}/${c.epochs} (seed ${seed})`).join(', ')}`) }]
      : []),
  ];
}

/** The report as document blocks, ready for the Markdown and HTML writers. */
export function buildReportDocument(input: ReportInput): ReportDocument {
  const { results, table } = input;
  const seeds = table.seeds;
  const blocks: Block[] = [
    {
      kind: 'facts',
      rows: [
        ['experiment file', `\`${results.file}\``],
        ['plan hash', `\`${input.planHash.slice(0, 12)}\``],
        ['backend', results.backend],
        ['seeds', `${seeds.join(', ')} (${seeds.length === 1 ? 'one seed' : `repeat ${seeds.length}`})`],
        ['data', subsetText(results.subset)],
        ['test sets', table.testSets.map((t) => (testSetLabel(t) === t ? `\`${t}\`` : `\`${t}\` (${testSetLabel(t)})`)).join(', ')],
        ['status', `${results.status}, ${durationText(results.seconds)}`],
        ['started', results.startedAt],
      ],
    },
    { kind: 'heading', level: 2, text: 'Results' },
    ...resultsBlocks(table),
    { kind: 'heading', level: 2, text: 'Delta intervals' },
    ...intervalBlocks(table),
    ...protocolBlocks(results),
    { kind: 'heading', level: 2, text: 'Charts' },
    ...input.charts.map((f): Block => ({ kind: 'figure', ...f })),
  ];
  const headPairs = input.agreement.headPairs ?? [];
  if (input.agreement.pairs.length > 0 || headPairs.length > 0) {
    blocks.push({ kind: 'heading', level: 2, text: 'Agreement' });
    if (input.agreement.pairs.length > 0) {
      blocks.push({ kind: 'paragraph', text: `Each arm (A) against its baseline (B), image by image. ${agreementExplanation(seeds.length)}` });
      blocks.push(agreementTable(input.agreement.pairs, 'agreement-table'));
    }
    if (headPairs.length > 0) {
      const intro = 'Each sum of heads (A) against each of its heads alone (B), evaluated on the same network: the images the sum gets right that the head alone misses, and the reverse.';
      blocks.push({ kind: 'paragraph', text: input.agreement.pairs.length > 0 ? `${intro} Read as above.` : `${intro} ${agreementExplanation(seeds.length)}` });
      blocks.push(agreementTable(headPairs, 'head-agreement-table'));
    }
    if (input.agreement.chart) blocks.push({ kind: 'figure', ...input.agreement.chart });
  }
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
  for (const col of table.columns.filter((c) => !c.labelled)) {
    for (const p of col.problems) notes.push(`\`${col.arm}\` seed ${p.seed}: ${p.status}; left out of its statistics.`);
  }
  notes.push(...collapsedEvalNotes(results.evals));
  if (notes.length > 0) {
    blocks.push({ kind: 'heading', level: 2, text: 'Notes' });
    blocks.push({ kind: 'list', items: notes });
  }
  blocks.push({ kind: 'paragraph', text: 'Written by `mfx report` from the run folder\'s results.json, plan.json and events.jsonl; run `mfx report RUN_DIR` again to regenerate it.' });
  return { title: results.title, blocks };
}
