// The report's charts as Vega-Lite specs, built from the report table and loss curves.
// Accuracy and Delta are in percent / percentage points, as in the talk's Table 1.
import type { TopLevelSpec } from 'vega-lite';
import type { LossPoint } from './loss-curves.js';
import type { ReportTable } from './report-table.js';
import { testSetLabel } from './test-set-label.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
const CONFIG = {
  font: FONT,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14, anchor: 'start' as const },
};

// Vega's default categorical scheme (tableau10), assigned by the arm's place in the table so
// an arm keeps its colour in every chart even when a chart leaves some arms out.
const PALETTE = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

function armColor(allArms: string[], shown: string[], title = 'arm') {
  return {
    field: 'arm',
    type: 'nominal' as const,
    title,
    sort: shown,
    scale: { domain: shown, range: shown.map((a) => PALETTE[Math.max(0, allArms.indexOf(a)) % PALETTE.length]) },
  };
}

// A fixed width per test set (with xOffset, Vega-Lite's `width: {step}` sizes each arm's
// sub-band instead, which makes charts with many arms needlessly wide).
function groupedWidth(testSets: number, arms: number): number {
  return Math.max(360, testSets * (arms * 18 + 30));
}

/** Bars: mean accuracy per test set, one bar per arm; whiskers ±1 std and dots per seed when repeated. */
export function accuracyChartSpec(table: ReportTable, title: string): TopLevelSpec {
  const arms = table.columns.map((c) => c.arm);
  const sets = table.testSets.map(testSetLabel);
  const bars: Record<string, unknown>[] = [];
  const seeds: Record<string, unknown>[] = [];
  for (const col of table.columns) {
    for (const cell of col.cells) {
      if (!cell.accuracy) continue;
      const a = cell.accuracy;
      const set = testSetLabel(cell.testSet);
      bars.push({ testSet: set, arm: col.arm, mean: a.mean * 100, lo: (a.mean - a.std) * 100, hi: (a.mean + a.std) * 100, n: a.n });
      for (const v of a.values) seeds.push({ testSet: set, arm: col.arm, accuracy: v * 100 });
    }
  }
  const repeated = bars.some((b) => (b.n as number) > 1);
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle: repeated ? 'mean over seeds; whiskers ±1 std; dots: single seeds' : 'one seed' },
    width: groupedWidth(sets.length, arms.length),
    height: 260,
    config: CONFIG,
    encoding: {
      x: { field: 'testSet', type: 'nominal', sort: sets, title: 'test set', axis: { labelAngle: 0 } },
      xOffset: { field: 'arm', type: 'nominal', sort: arms },
    },
    layer: [
      {
        data: { values: bars },
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'mean', type: 'quantitative', title: 'accuracy (%)', scale: { domain: [0, 100] } },
          color: armColor(arms, arms),
          tooltip: [{ field: 'arm' }, { field: 'testSet' }, { field: 'mean', format: '.2f' }],
        },
      },
      {
        data: { values: bars },
        transform: [{ filter: 'datum.n > 1' }],
        mark: { type: 'rule', color: 'black' },
        encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
      },
      {
        data: { values: repeated ? seeds : [] },
        mark: { type: 'circle', color: 'black', size: 10, opacity: 0.6 },
        encoding: { y: { field: 'accuracy', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
}

/** Bars: mean Delta (points) per test set per arm with a baseline; whiskers: the 95% t-interval paired by seed. */
export function deltaChartSpec(table: ReportTable, title: string): TopLevelSpec | null {
  const cols = table.columns.filter((c) => c.cells.some((cell) => cell.delta));
  if (cols.length === 0) return null;
  const arms = cols.map((c) => c.arm);
  const sets = table.testSets.map(testSetLabel);
  const rows: Record<string, unknown>[] = [];
  for (const col of cols) {
    for (const cell of col.cells) {
      if (!cell.delta) continue;
      const d = cell.delta;
      rows.push({
        testSet: testSetLabel(cell.testSet),
        arm: col.arm,
        mean: d.stat.mean * 100,
        lo: d.interval ? d.interval.lower * 100 : null,
        hi: d.interval ? d.interval.upper * 100 : null,
      });
    }
  }
  const legendOrder = arms;
  const withInterval = rows.some((r) => r.lo !== null);
  const xEncoding = {
    x: { field: 'testSet', type: 'nominal', sort: sets, title: 'test set', axis: { labelAngle: 0 } },
    xOffset: { field: 'arm', type: 'nominal', sort: legendOrder },
  };
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle: withInterval ? 'mean over seeds; whiskers: 95% CI (Student t, paired by seed)' : 'one seed: no interval' },
    width: groupedWidth(sets.length, arms.length),
    height: 240,
    config: CONFIG,
    data: { values: rows },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          ...xEncoding,
          y: { field: 'mean', type: 'quantitative', title: 'Delta (points)' },
          color: armColor(table.columns.map((c) => c.arm), legendOrder),
        },
      },
      {
        transform: [{ filter: 'datum.lo !== null' }],
        mark: { type: 'rule', color: 'black' },
        encoding: { ...xEncoding, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
      },
      {
        mark: { type: 'rule', color: '#555', strokeDash: [4, 3] },
        encoding: { y: { datum: 0 } },
      },
    ],
  } as TopLevelSpec;
}

/** Lines: mean training loss per epoch through each arm (pretrain and train epochs in sequence). */
export function lossChartSpec(points: LossPoint[], title: string, allArms: string[] = []): TopLevelSpec | null {
  if (points.length === 0) return null;
  const arms = [...new Set(points.map((p) => p.arm))];
  const palette = [...allArms, ...arms.filter((a) => !allArms.includes(a))];
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle: 'mean training loss per epoch, averaged over seeds' },
    width: 480,
    height: 260,
    config: CONFIG,
    data: { values: points.map((p) => ({ ...p })) },
    mark: { type: 'line', point: { size: 18 } },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch (through the arm)', axis: { tickMinStep: 1 } },
      y: { field: 'loss', type: 'quantitative', title: 'training loss (NLL)' },
      color: armColor(palette, arms),
    },
  } as TopLevelSpec;
}
