// The report's charts as Vega-Lite specs, built from the report table and loss curves.
// Accuracy and Delta are in percent / percentage points, as in the talk's Table 1.
//
// Two layouts: up to MAX_GROUPED_ARMS arms, the talk's grouped bars (one bar per arm within
// each test set, one colour per arm, for papers); beyond that, small multiples with the arms
// as rows (one panel per test set, coloured by section: baselines, sweep template, other), so
// a sweep of 40 arms stays about 1,000 px wide and every arm keeps a readable label.
//
// Every mark carries a tooltip (per-seed values, the interval) and honours the signal
// HIDDEN_SIGNAL: the names (of arms, or of sections in the many-arm layout) that a reader has
// hidden by clicking the legend in report.html. The static SVG/PNG show everything.
import type { TopLevelSpec } from 'vega-lite';
import { armSections, orderedColumns } from './arm-sections.js';
import type { LossPoint } from './loss-curves.js';
import { percent, points } from '../../runtime/results/numbers.js';
import type { ReportColumn, ReportTable } from './report-table.js';
import { testSetLabel } from './test-set-label.js';
import { columnName } from '../../runtime/results/results-table.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
const CONFIG = {
  font: FONT,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  title: { fontSize: 14, anchor: 'start' as const },
};

/** The Vega signal holding the legend entries a reader has hidden (an array of names). */
export const HIDDEN_SIGNAL = 'hidden';

/** Up to this many arms, bars are grouped per test set with one colour per arm. */
export const MAX_GROUPED_ARMS = 10;

// Vega's default categorical scheme (tableau10), assigned by the arm's place in the table so
// an arm keeps its colour in every chart even when a chart leaves some arms out.
const PALETTE = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

/** Width of the whole many-arm figure's panels together. */
const PANELS_WIDTH = 640;
const ROW_HEIGHT = 15;

/** The field a chart is coloured (and its legend hides) by. */
type LegendField = 'arm' | 'section';

function colorScale(order: string[], shown: string[], field: LegendField, title: string) {
  return {
    field,
    type: 'nominal' as const,
    title,
    sort: shown,
    scale: { domain: shown, range: shown.map((a) => PALETTE[Math.max(0, order.indexOf(a)) % PALETTE.length]) },
  };
}

/** Opacity 0 for marks whose legend entry is hidden. */
function visibility(field: LegendField) {
  return { condition: { test: `indexof(${HIDDEN_SIGNAL}, datum.${field}) >= 0`, value: 0 }, value: 1 };
}

const HIDDEN_PARAM = { name: HIDDEN_SIGNAL, value: [] as string[] };

// A fixed width per test set (with xOffset, Vega-Lite's `width: {step}` sizes each arm's
// sub-band instead, which makes charts with many arms needlessly wide).
function groupedWidth(testSets: number, arms: number): number {
  return Math.max(360, testSets * (arms * 18 + 30));
}

function panelWidth(testSets: number): number {
  return Math.max(110, Math.floor(PANELS_WIDTH / Math.max(1, testSets)));
}

/** Section name per arm (baselines, the sweep template, or `other arms`), for colouring many arms. */
function sectionOf(table: ReportTable): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of armSections(table)) for (const c of s.columns) out.set(c.arm, s.title ?? 'other arms');
  return out;
}

function perSeedText(seeds: number[], values: number[], format: (v: number) => string): string {
  return seeds.map((s, i) => `${s}: ${format(values[i])}`).join(', ');
}

interface Layout {
  many: boolean;
  columns: ReportColumn[];
  arms: string[];
  legendField: LegendField;
  /** Legend entries in order (arms, or section names). */
  legend: string[];
  legendTitle: string;
  section: Map<string, string>;
}

function layout(table: ReportTable, columns: ReportColumn[]): Layout {
  const many = table.columns.length > MAX_GROUPED_ARMS;
  const section = sectionOf(table);
  const arms = columns.map(columnName);
  if (!many) return { many, columns, arms, legendField: 'arm', legend: arms, legendTitle: 'arm', section };
  const legend = [...new Set(columns.map((c) => section.get(c.arm)!))];
  return { many, columns, arms, legendField: 'section', legend, legendTitle: 'arms', section };
}

/** Colour encoding: per arm in the grouped layout, per section otherwise; stable across charts. */
function color(table: ReportTable, l: Layout) {
  if (l.many) return colorScale([...new Set(orderedColumns(table).map((c) => l.section.get(c.arm)!))], l.legend, 'section', l.legendTitle);
  return colorScale(orderedColumns(table).map(columnName), l.arms, 'arm', 'arm');
}

/** Bars: mean accuracy per test set and arm; whiskers ±1 std and a dot per seed when repeated. */
export function accuracyChartSpec(table: ReportTable, title: string): TopLevelSpec {
  const l = layout(table, orderedColumns(table));
  const sets = table.testSets.map(testSetLabel);
  const rows: Record<string, unknown>[] = [];
  for (const col of l.columns) {
    for (const cell of col.cells) {
      if (!cell.accuracy) continue;
      const a = cell.accuracy;
      const base = { testSet: testSetLabel(cell.testSet), arm: columnName(col), section: l.section.get(col.arm) };
      rows.push({
        ...base, kind: 'bar', mean: a.mean * 100, lo: (a.mean - a.std) * 100, hi: (a.mean + a.std) * 100, n: a.n,
        accuracy: a.n > 1 ? `${percent(a.mean)} ± ${(a.std * 100).toFixed(2)}` : percent(a.mean),
        perSeed: perSeedText(cell.accuracySeeds, a.values, percent),
      });
      for (const v of a.values) rows.push({ ...base, kind: 'seed', value: v * 100 });
    }
  }
  const repeated = rows.some((r) => r.kind === 'bar' && (r.n as number) > 1);
  const tooltip = [
    { field: 'arm' }, { field: 'testSet', title: 'test set' }, { field: 'accuracy', title: repeated ? 'accuracy % (mean ± std)' : 'accuracy %' },
    { field: 'perSeed', title: 'per seed (seed: %)' },
  ];
  const hide = visibility(l.legendField);
  const subtitle = repeated ? 'mean over seeds; whiskers ±1 std; dots: single seeds' : 'one seed';
  const acc = { type: 'quantitative' as const, title: 'accuracy (%)', scale: { domain: [0, 100] } };
  const layers = (band: 'x' | 'y') => {
    const value = band === 'x' ? 'y' : 'x';
    const value2 = band === 'x' ? 'y2' : 'x2';
    return [
      {
        transform: [{ filter: "datum.kind === 'bar'" }],
        mark: { type: 'bar' },
        encoding: { [value]: { field: 'mean', ...acc }, color: color(table, l), opacity: hide, tooltip },
      },
      {
        transform: [{ filter: "datum.kind === 'bar' && datum.n > 1" }],
        mark: { type: 'rule', color: 'black' },
        encoding: { [value]: { field: 'lo', type: 'quantitative' }, [value2]: { field: 'hi' }, opacity: hide, tooltip },
      },
      {
        transform: [{ filter: repeated ? "datum.kind === 'seed'" : 'false' }],
        mark: { type: 'circle', color: 'black', size: 10 },
        encoding: { [value]: { field: 'value', type: 'quantitative' }, opacity: { ...hide, condition: { ...hide.condition }, value: 0.6 } },
      },
    ];
  };
  return armsSpec(title, subtitle, rows, sets, l, layers, 260);
}

/** Few arms: one chart, test sets along x and the arms side by side in each; many arms: manyArmSpec. */
function armsSpec(title: string, subtitle: string, rows: Record<string, unknown>[], sets: string[], l: Layout, layers: (band: 'x' | 'y') => unknown[], height: number): TopLevelSpec {
  if (l.many) return manyArmSpec(title, subtitle, rows, sets, l, layers('y'));
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle },
    width: groupedWidth(sets.length, l.arms.length),
    height,
    config: CONFIG,
    params: [HIDDEN_PARAM],
    data: { values: rows },
    encoding: {
      x: { field: 'testSet', type: 'nominal', sort: sets, title: 'test set', axis: { labelAngle: 0 } },
      xOffset: { field: 'arm', type: 'nominal', sort: l.arms },
    },
    layer: layers('x'),
  } as TopLevelSpec;
}

function manyArmSpec(title: string, subtitle: string, rows: Record<string, unknown>[], sets: string[], l: Layout, layer: unknown[]): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle },
    config: CONFIG,
    params: [HIDDEN_PARAM],
    data: { values: rows },
    facet: { column: { field: 'testSet', type: 'nominal', sort: sets, title: 'test set', header: { labelFontSize: 12, titleFontSize: 12 } } },
    spec: {
      width: panelWidth(sets.length),
      height: { step: ROW_HEIGHT },
      encoding: { y: { field: 'arm', type: 'nominal', sort: l.arms, title: null } },
      layer,
    },
    resolve: { axis: { y: 'shared' } },
  } as unknown as TopLevelSpec;
}

/** Bars: mean Delta (points) per test set and arm with a baseline; whiskers: the 95% t-interval paired by seed. */
export function deltaChartSpec(table: ReportTable, title: string): TopLevelSpec | null {
  const cols = orderedColumns(table).filter((c) => c.cells.some((cell) => cell.delta));
  if (cols.length === 0) return null;
  const l = layout(table, cols);
  const sets = table.testSets.map(testSetLabel);
  const rows: Record<string, unknown>[] = [];
  for (const col of cols) {
    for (const cell of col.cells) {
      if (!cell.delta) continue;
      const d = cell.delta;
      rows.push({
        kind: 'bar',
        testSet: testSetLabel(cell.testSet),
        arm: columnName(col),
        section: l.section.get(col.arm),
        mean: d.stat.mean * 100,
        lo: d.interval ? d.interval.lower * 100 : null,
        hi: d.interval ? d.interval.upper * 100 : null,
        delta: points(d.stat.mean),
        interval: d.interval ? `[${points(d.interval.lower)}, ${points(d.interval.upper)}]${d.interval.excludesZero ? ' excludes 0' : ''}` : 'none (one seed)',
        perSeed: perSeedText(d.seeds, d.stat.values, points),
      });
    }
  }
  const withInterval = rows.some((r) => r.lo !== null);
  const subtitle = withInterval ? 'mean over seeds; whiskers: 95% CI (Student t, paired by seed)' : 'one seed: no interval';
  const tooltip = [
    { field: 'arm' }, { field: 'testSet', title: 'test set' }, { field: 'delta', title: 'Delta (points)' },
    { field: 'interval', title: '95% CI' }, { field: 'perSeed', title: 'per seed (seed: points)' },
  ];
  const hide = visibility(l.legendField);
  const layers = (band: 'x' | 'y') => {
    const value = band === 'x' ? 'y' : 'x';
    const value2 = band === 'x' ? 'y2' : 'x2';
    return [
      {
        mark: { type: 'bar' },
        encoding: { [value]: { field: 'mean', type: 'quantitative', title: 'Delta (points)' }, color: color(table, l), opacity: hide, tooltip },
      },
      {
        transform: [{ filter: 'datum.lo !== null' }],
        mark: { type: 'rule', color: 'black' },
        encoding: { [value]: { field: 'lo', type: 'quantitative' }, [value2]: { field: 'hi' }, opacity: hide, tooltip },
      },
      {
        mark: { type: 'rule', color: '#555', strokeDash: [4, 3] },
        encoding: { [value]: { datum: 0 } },
      },
    ];
  };
  return armsSpec(title, subtitle, rows, sets, l, layers, 240);
}

/** Lines: mean training loss per epoch through each arm (pretrain and train epochs in sequence). */
export function lossChartSpec(points: LossPoint[], title: string, table?: ReportTable): TopLevelSpec | null {
  if (points.length === 0) return null;
  const order = table ? orderedColumns(table).map((c) => c.arm) : [];
  const arms = [...new Set(points.map((p) => p.arm))].sort((a, b) => rank(order, a) - rank(order, b));
  const many = arms.length > MAX_GROUPED_ARMS;
  const section = table ? sectionOf(table) : new Map<string, string>();
  const sectionName = (arm: string) => section.get(arm) ?? 'other arms';
  const legend = many ? [...new Set(arms.map(sectionName))] : arms;
  const legendField: LegendField = many ? 'section' : 'arm';
  const palette = many ? [...new Set([...order.map(sectionName), ...legend])] : [...order, ...arms.filter((a) => !order.includes(a))];
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle: 'mean training loss per epoch, averaged over seeds' },
    width: 480,
    height: 260,
    config: CONFIG,
    params: [HIDDEN_PARAM],
    data: { values: points.map((p) => ({ ...p, section: sectionName(p.arm), lossText: p.loss.toFixed(4) })) },
    mark: { type: 'line', point: { size: 18 } },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch (through the arm)', axis: { tickMinStep: 1 } },
      y: { field: 'loss', type: 'quantitative', title: 'training loss (NLL)' },
      color: colorScale(palette, legend, legendField, many ? 'arms' : 'arm'),
      ...(many ? { detail: { field: 'arm', type: 'nominal' } } : {}),
      opacity: visibility(legendField),
      tooltip: [{ field: 'arm' }, { field: 'epoch' }, { field: 'phase' }, { field: 'lossText', title: 'loss (mean over seeds)' }, { field: 'seeds', title: 'seeds' }],
    },
  } as TopLevelSpec;
}

function rank(order: string[], arm: string): number {
  const i = order.indexOf(arm);
  return i < 0 ? order.length : i;
}

/** One point of the per-epoch accuracy chart: an arm's mean over seeds on one set after one epoch. */
export interface EpochAccuracyPoint {
  arm: string;
  /** `validation` or a test-set name. */
  set: string;
  epoch: number; // through the arm
  accuracy: number; // 0..1, mean over the seeds
  seeds: number;
}

/**
 * Small multiples, one panel per set (the validation split first): accuracy after every scored
 * epoch (`train N select`, `eval ... every epoch`), one line per arm, mean over seeds. The gap
 * between a line's last point and its peak is what best-of-training reporting adds.
 */
export function epochAccuracyChartSpec(points: EpochAccuracyPoint[], title: string, table?: ReportTable): TopLevelSpec | null {
  if (points.length === 0) return null;
  const order = table ? orderedColumns(table).map((c) => c.arm) : [];
  const arms = [...new Set(points.map((p) => p.arm))].sort((a, b) => rank(order, a) - rank(order, b));
  const palette = [...order, ...arms.filter((a) => !order.includes(a))];
  const sets = [...new Set(points.map((p) => p.set))];
  const labelOf = (set: string) => (set === 'validation' ? 'validation split' : testSetLabel(set));
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle: 'accuracy after every scored epoch, mean over seeds' },
    config: CONFIG,
    params: [HIDDEN_PARAM],
    data: { values: points.map((p) => ({ ...p, panel: labelOf(p.set), percent: p.accuracy * 100, accuracyText: percent(p.accuracy) })) },
    facet: { field: 'panel', type: 'nominal', title: null, sort: sets.map(labelOf) },
    columns: 3,
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 220,
      height: 150,
      mark: { type: 'line', point: { size: 14 } },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch (through the arm)', axis: { tickMinStep: 1 } },
        y: { field: 'percent', type: 'quantitative', title: 'accuracy (%)', scale: { zero: false } },
        color: colorScale(palette, arms, 'arm', 'arm'),
        opacity: visibility('arm'),
        tooltip: [{ field: 'arm' }, { field: 'panel', title: 'set' }, { field: 'epoch' }, { field: 'accuracyText', title: 'accuracy % (mean over seeds)' }, { field: 'seeds' }],
      },
    },
  } as TopLevelSpec;
}
