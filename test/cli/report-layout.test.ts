// How the report orders and groups arms (baselines first, each sweep template's arms together)
// and how charts lay out many arms. The browser side is in report-browser.test.ts.
import { describe, expect, it } from 'vitest';
import { armSections, orderedColumns } from '../../cli/report/arm-sections.js';
import { renderSvg } from '../../cli/report/chart-render.js';
import { accuracyChartSpec, deltaChartSpec, MAX_GROUPED_ARMS } from '../../cli/report/chart-specs.js';
import { buildReportTable, groupsInResults } from '../../cli/report/report-table.js';
import { buildFixture, sweepFixture, type ArmSketch } from './report-fixtures.js';

const vs = (arm: string) => ({ arm, label: 'final', reason: 'named' as const });
const arm = (name: string, baseline?: string): ArmSketch => ({ name, steps: [{ train: 1 }, { eval: 'final' }], ...(baseline ? { baseline: vs(baseline) } : {}) });

function svgWidth(svg: string): number {
  return Number(/<svg[^>]* width="(\d+(?:\.\d+)?)"/.exec(svg)![1]);
}

describe('arm sections', () => {
  it('puts the arms others are measured against first, then each group together in order of first appearance', () => {
    const fixture = buildFixture({
      arms: [arm('a1', 'ref'), arm('b1', 'ref'), arm('solo', 'ref'), arm('a2', 'ref'), arm('ref'), arm('b2', 'ref')],
      groups: { a1: 'a', a2: 'a', b1: 'b', b2: 'b' },
    });
    const table = buildReportTable(fixture.results);
    expect(armSections(table).map((s) => [s.title, s.columns.map((c) => c.arm)])).toEqual([
      ['baseline', ['ref']],
      ['a', ['a1', 'a2']],
      ['b', ['b1', 'b2']],
      [null, ['solo']],
    ]);
    expect(orderedColumns(table).map((c) => c.arm)).toEqual(['ref', 'a1', 'a2', 'b1', 'b2', 'solo']);
  });

  it('takes group names from results.json (the sweep template of each column), or from the caller', () => {
    const fixture = buildFixture({ groups: { hybrid: 'hybrid-*', 'hybrid-nr': 'hybrid-*' } });
    expect([...groupsInResults(fixture.results)]).toEqual([['hybrid', 'hybrid-*'], ['hybrid-nr', 'hybrid-*']]);
    expect(buildReportTable(fixture.results).columns.map((c) => c.group)).toEqual([null, 'hybrid-*', 'hybrid-*']);
    const given = buildReportTable(buildFixture().results, new Map([['baseline', 'x']]));
    expect(given.columns.map((c) => c.group)).toEqual(['x', null, null]);
  });
});

describe('charts with many arms', () => {
  const table = buildReportTable(sweepFixture(40).results);

  it('draws a 40-arm sweep as small multiples no wider than the page, one bar per arm and test set', async () => {
    expect(table.columns.length).toBeGreaterThan(MAX_GROUPED_ARMS);
    const svg = await renderSvg(accuracyChartSpec(table, 'acc'));
    expect(svg.split('aria-roledescription="bar"').length - 1).toBe(40 * 5);
    expect(svgWidth(svg)).toBeLessThanOrEqual(1100);
    // Every arm is labelled, and the legend names the sections, not 40 arms.
    for (const name of ['baseline', 'hybrid-relu6-lr0.05', 'alternate-relu-lr0.005']) expect(svg).toContain(`>${name}<`);
    for (const group of ['hybrid', 'hybrid-nr', 'inverted', 'alternate']) expect(svg).toContain(`>${group}<`);
  });

  it('keeps the grouped-bar layout (one colour per arm) up to the limit', async () => {
    const svg = await renderSvg(accuracyChartSpec(buildReportTable(sweepFixture(MAX_GROUPED_ARMS).results), 'acc'));
    expect(svg).toContain('>test set<');
    expect(svg).toContain('>hybrid-relu-lr0.005<'); // as a legend entry
  });

  it('colours a section the same in the accuracy and the Delta chart, though the Delta chart has no baseline', async () => {
    const fill = (svg: string, arm: string) => new RegExp(`aria-label="[^"]*arm: ${arm.replace(/\./g, '\\.')};[^"]*"[^>]*fill="(#[0-9a-f]+)"`).exec(svg)?.[1];
    const acc = await renderSvg(accuracyChartSpec(table, 'acc'));
    const delta = await renderSvg(deltaChartSpec(table, 'delta')!);
    expect(fill(acc, 'inverted-relu-lr0.01')).toBeDefined();
    expect(fill(delta, 'inverted-relu-lr0.01')).toBe(fill(acc, 'inverted-relu-lr0.01'));
  });
});
