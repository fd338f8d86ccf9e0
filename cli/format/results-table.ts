// The results table in the talk's layout: one row per test set, one column group per arm
// (accuracy %, Delta in points against the arm's baseline), mean ± std when seeds repeat.
// Arms that do not fit the width wrap into further blocks under the first.
import type { ArmColumn, ResultsTable, Stat } from '../../runtime/results.js';
import type { Paint } from './color.js';
import { COLLAPSE_MARK, collapseLegend } from './collapse-text.js';
import { accuracyText, deltaText, NOT_AVAILABLE } from '../../runtime/results/numbers.js';

export interface TableFormatOptions {
  /** Terminal columns available; groups of arms wrap to stay within it. */
  width: number;
  paint: Paint;
}

const GAP = 3;
const MISSING = NOT_AVAILABLE;


function hasDeltaColumn(column: ArmColumn): boolean {
  return column.baseline !== null || Object.values(column.cells).some((c) => c.delta !== null);
}

interface Cell {
  text: string;
  style: (s: string) => string;
}

interface Group {
  title: string;
  acc: Cell[];
  delta: Cell[] | null;
  accWidth: number;
  deltaWidth: number;
  width: number;
}

function buildGroup(column: ArmColumn, testSets: string[], paint: Paint): Group {
  const plain = (text: string): Cell => ({ text, style: (s) => s });
  const acc = testSets.map((set) => {
    const cell = column.cells[set];
    if (cell?.collapse) return { text: `${accuracyText(cell.accuracy)}${COLLAPSE_MARK}`, style: paint.yellow };
    return plain(cell ? accuracyText(cell.accuracy) : MISSING);
  });
  const delta = hasDeltaColumn(column)
    ? testSets.map((set): Cell => {
        const d = column.cells[set]?.delta;
        if (!d) return plain(MISSING);
        const style = d.mean > 0 ? paint.green : d.mean < 0 ? paint.red : (s: string) => s;
        return { text: deltaText(d), style };
      })
    : null;
  const title = column.label === 'final' ? column.arm : `${column.arm}@${column.label}`;
  const accWidth = Math.max('acc %'.length, ...acc.map((c) => c.text.length));
  const deltaWidth = delta ? Math.max('delta'.length, ...delta.map((c) => c.text.length)) : 0;
  const width = Math.max(title.length, accWidth + (delta ? 2 + deltaWidth : 0));
  return { title, acc, delta, accWidth, deltaWidth, width };
}

function renderBlock(groups: Group[], testSets: string[], labelWidth: number, paint: Paint): string[] {
  const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - s.length));
  const padStart = (s: string, w: number) => ' '.repeat(Math.max(0, w - s.length)) + s;
  const sep = ' '.repeat(GAP);
  const groupCells = (g: Group, acc: Cell, delta: Cell | null): string => {
    const inner = g.accWidth + (g.delta ? 2 + g.deltaWidth : 0);
    const lead = ' '.repeat(g.width - inner);
    const accText = acc.style(padStart(acc.text, g.accWidth));
    const deltaText = delta && g.delta ? `  ${delta.style(padStart(delta.text, g.deltaWidth))}` : '';
    return lead + accText + deltaText;
  };
  const lines: string[] = [];
  lines.push(paint.bold((pad('', labelWidth) + groups.map((g) => sep + padStart(g.title, g.width)).join('')).trimEnd()));
  lines.push(
    paint.dim(
      pad('test set', labelWidth) +
        groups
          .map((g) => sep + groupCells(g, { text: 'acc %', style: (s) => s }, g.delta ? { text: 'delta', style: (s) => s } : null))
          .join(''),
    ),
  );
  testSets.forEach((set, row) => {
    lines.push(pad(set, labelWidth) + groups.map((g) => sep + groupCells(g, g.acc[row], g.delta ? g.delta[row] : null)).join(''));
  });
  return lines;
}

function baselineName(column: ArmColumn): string {
  const b = column.baseline!;
  return `${b.arm}@${b.label}`;
}

/**
 * Consecutive columns that belong together: the arms of one sweep template, split further by the
 * value of its first variable when it has several (one row block per `$act`); other arms run
 * together without a heading.
 */
export function groupColumns(columns: ArmColumn[]): { heading: string | null; columns: ArmColumn[] }[] {
  const key = (c: ArmColumn): string | null => {
    if (c.template === undefined) return null;
    const vars = Object.entries(c.bindings ?? {});
    return vars.length >= 2 ? `${c.template}, $${vars[0][0]} = ${vars[0][1]}` : c.template;
  };
  const out: { heading: string | null; columns: ArmColumn[] }[] = [];
  for (const c of columns) {
    const heading = key(c);
    const last = out[out.length - 1];
    if (last && last.heading === heading) last.columns.push(c);
    else out.push({ heading, columns: [c] });
  }
  return out;
}

/** Packs arm groups greedily into blocks that fit the width (at least one group per block). */
function packBlocks(groups: Group[], labelWidth: number, width: number): Group[][] {
  const blocks: Group[][] = [];
  let current: Group[] = [];
  let used = labelWidth;
  for (const g of groups) {
    if (current.length > 0 && used + GAP + g.width > width) {
      blocks.push(current);
      current = [];
      used = labelWidth;
    }
    current.push(g);
    used += GAP + g.width;
  }
  blocks.push(current);
  return blocks;
}

/** The table as lines of text (no trailing newline), with its legend and per-arm notes. */
export function formatResultsTable(table: ResultsTable, options: TableFormatOptions): string[] {
  const { paint } = options;
  const columns = table.columns;
  if (columns.length === 0 || table.testSets.length === 0) return ['(no results)'];
  const labelWidth = Math.max('test set'.length, ...table.testSets.map((s) => s.length));
  const lines: string[] = [];
  for (const section of groupColumns(columns)) {
    const groups = section.columns.map((c) => buildGroup(c, table.testSets, paint));
    packBlocks(groups, labelWidth, options.width).forEach((block, i) => {
      if (lines.length > 0) lines.push('');
      if (section.heading !== null && i === 0) lines.push(paint.bold(section.heading));
      lines.push(...renderBlock(block, table.testSets, labelWidth, paint));
    });
  }

  const withBaseline = columns.filter((c) => c.baseline !== null && !c.labelled);
  if (withBaseline.length > 0) {
    lines.push(paint.dim(`delta: accuracy points over ${withBaseline.map((c) => `${c.arm} → ${baselineName(c)}`).join(', ')}`));
  }
  const maxN = Math.max(0, ...columns.flatMap((c) => Object.values(c.cells).map((cell) => cell.accuracy.n)));
  if (maxN > 1) lines.push(paint.dim(`mean ± std over ${maxN} seeds`));
  lines.push(...collapseLegend(table).map((l) => paint.yellow(l)));
  for (const c of columns.filter((col) => !col.labelled)) {
    for (const [seed, status] of Object.entries(c.status)) {
      if (status !== 'done') lines.push(paint.yellow(`${c.arm} (seed ${seed}): ${status}`));
    }
  }
  return lines;
}
