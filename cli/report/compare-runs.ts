// `mfx compare`: one table across runs (accuracy and Delta per arm per run, on the test sets
// the runs share) and, per run after the first, what separates it from the first run.
import { UserError } from '../context.js';
import type { Block, ReportDocument } from './document.js';
import { accuracyText, deltaText, NOT_AVAILABLE } from '../../runtime/results/numbers.js';
import { subsetText } from '../../runtime/results/step-text.js';
import { describeDifferences } from './plan-diff.js';
import { buildReportTable, type ReportTable } from './report-table.js';
import { EXCLUDES_ZERO_MARK } from './report-content.js';
import { readRunFolder } from './read-run-folder.js';
import type { ComparedRun } from './plan-diff.js';
import { columnName } from '../../runtime/results/results-table.js';

interface LoadedRun extends ComparedRun {
  name: string; // A, B, C, ...
  dir: string;
  table: ReportTable;
}

function runName(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : `R${i + 1}`;
}

/** Reads the run folders; throws UserError for fewer than two or for any unusable folder. */
export function loadRuns(dirs: string[]): LoadedRun[] {
  if (dirs.length < 2) {
    throw new UserError(`\`mfx compare\` needs at least two run folders, got ${dirs.length}. Example: mfx compare runs/a runs/b`, 2);
  }
  return dirs.map((dir, i) => {
    const folder = readRunFolder(dir, { requirePlan: true, events: false });
    return { name: runName(i), dir, plan: folder.plan!, results: folder.results, table: buildReportTable(folder.results) };
  });
}

/** Test sets in the first run's order, then any others; and the ones not every run has. */
function testSetUnion(runs: LoadedRun[]): { all: string[]; partial: string[] } {
  const all: string[] = [];
  for (const r of runs) for (const t of r.table.testSets) if (!all.includes(t)) all.push(t);
  const partial = all.filter((t) => runs.some((r) => !r.table.testSets.includes(t)));
  return { all, partial };
}

/** The comparison as document blocks (Markdown for the terminal, HTML with --out x.html). */
export function compareRuns(dirs: string[]): ReportDocument {
  const runs = loadRuns(dirs);
  const { all: testSets, partial } = testSetUnion(runs);
  const blocks: Block[] = [
    {
      kind: 'table',
      header: ['run', 'folder', 'file', 'experiment', 'plan', 'backend', 'seeds', 'data', 'status'],
      rows: runs.map((r) => [
        r.name,
        `\`${r.dir}\``,
        `\`${r.results.file}\``,
        r.results.title,
        `\`${r.plan.hash.slice(0, 12)}\``,
        r.results.backend,
        r.results.seeds.join(', '),
        subsetText(r.results.subset),
        r.results.status,
      ]),
    },
    { kind: 'heading', level: 2, text: 'Accuracy (%)' },
    {
      kind: 'paragraph',
      text: 'Mean ± sample standard deviation over each run\'s seeds (one number when a run has one seed).',
    },
  ];
  const accuracyRows: string[][] = [];
  const deltaRows: string[][] = [];
  for (const r of runs) {
    for (const col of r.table.columns) {
      const cellFor = (t: string) => col.cells[r.table.testSets.indexOf(t)];
      accuracyRows.push([r.name, columnName(col), ...testSets.map((t) => (r.table.testSets.includes(t) ? accuracyText(cellFor(t).accuracy) : NOT_AVAILABLE))]);
      if (col.baseline) {
        deltaRows.push([
          r.name,
          columnName(col),
          `${col.baseline.arm}/${col.baseline.label}`,
          ...testSets.map((t) => {
            const d = r.table.testSets.includes(t) ? cellFor(t).delta : null;
            return d ? `${deltaText(d.stat)}${d.interval?.excludesZero ? ` ${EXCLUDES_ZERO_MARK}` : ''}` : NOT_AVAILABLE;
          }),
        ]);
      }
    }
  }
  const numeric = testSets.map(() => 'right' as const);
  blocks.push({ kind: 'table', header: ['run', 'arm', ...testSets.map((t) => `\`${t}\``)], rows: accuracyRows, align: ['left', 'left', ...numeric] });
  if (deltaRows.length > 0) {
    blocks.push({ kind: 'heading', level: 2, text: 'Delta (percentage points)' });
    blocks.push({
      kind: 'paragraph',
      text: `Gain over each arm's baseline, paired by seed; \`${EXCLUDES_ZERO_MARK}\`: the 95% Student t-interval excludes 0.`,
    });
    blocks.push({ kind: 'table', header: ['run', 'arm', 'baseline', ...testSets.map((t) => `\`${t}\``)], rows: deltaRows, align: ['left', 'left', 'left', ...numeric] });
  }
  if (partial.length > 0) {
    blocks.push({ kind: 'paragraph', text: `Not every run evaluated ${partial.map((t) => `\`${t}\``).join(', ')}: ${NOT_AVAILABLE} marks the missing cells.` });
  }
  blocks.push({ kind: 'heading', level: 2, text: 'What separates the runs' });
  const first = runs[0];
  for (const r of runs.slice(1)) {
    const diffs = describeDifferences(first, r);
    blocks.push({ kind: 'paragraph', text: `Run ${r.name} against run ${first.name}:` });
    blocks.push(diffs.length > 0 ? { kind: 'list', items: diffs } : { kind: 'list', items: ['same plan and conditions: differences in the numbers are run-to-run noise (or a different mfx version)'] });
  }
  return { title: `Comparison of ${runs.length} runs`, blocks };
}
