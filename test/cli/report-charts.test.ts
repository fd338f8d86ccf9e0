import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { renderSvg, svgToPng } from '../../cli/report/chart-render.js';
import { accuracyChartSpec, deltaChartSpec, lossChartSpec } from '../../cli/report/chart-specs.js';
import { lossCurves } from '../../cli/report/loss-curves.js';
import { buildReportTable } from '../../cli/report/report-table.js';
import type { EpochEndEvent } from '../../cli/report/read-run-folder.js';
import { buildFixture } from './report-fixtures.js';

function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]* width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/.exec(svg);
  if (!m) throw new Error('no size on <svg>');
  return { width: Number(m[1]), height: Number(m[2]) };
}

describe('charts', () => {
  it('draws one bar per arm and test set, and error bars only with repeats', async () => {
    const repeated = await renderSvg(accuracyChartSpec(buildReportTable(buildFixture().results), 'acc'));
    const single = await renderSvg(accuracyChartSpec(buildReportTable(buildFixture({ seeds: [1] }).results), 'acc'));
    const count = (svg: string, role: string) => svg.split(`aria-roledescription="${role}"`).length - 1;
    // 3 arms x 5 test sets; whiskers per bar; a dot per seed (3 seeds).
    expect([count(repeated, 'bar'), count(repeated, 'rule mark'), count(repeated, 'circle')]).toEqual([15, 15, 45]);
    expect([count(single, 'bar'), count(single, 'rule mark'), count(single, 'circle')]).toEqual([15, 0, 0]);
    expect(repeated).toContain('whiskers ±1 std');
    expect(single).toContain('one seed');
    expect(single).not.toContain('whiskers');
  });

  it('has no Delta chart when no arm has a baseline', () => {
    const fixture = buildFixture({ arms: [{ name: 'main', steps: [{ train: 1 }, { eval: 'final' }] }] });
    expect(deltaChartSpec(buildReportTable(fixture.results), 'delta')).toBeNull();
  });

  it('still writes a valid PNG of the right size when no font can be loaded (text is left out)', async () => {
    const svg = await renderSvg(accuracyChartSpec(buildReportTable(buildFixture().results), 'acc'));
    const { width, height } = svgSize(svg);
    const withFonts = PNG.sync.read(svgToPng(svg, 2));
    const noFonts = PNG.sync.read(svgToPng(svg, 2, { systemFonts: false }));
    for (const png of [withFonts, noFonts]) expect([png.width, png.height]).toEqual([Math.round(width * 2), Math.round(height * 2)]);
    // Text pixels are the difference: with fonts there is more ink.
    const ink = (png: PNG) => png.data.reduce((n, v, i) => (i % 4 === 0 && v < 128 ? n + 1 : n), 0);
    expect(ink(withFonts)).toBeGreaterThan(ink(noFonts));
  });
});

describe('loss curves', () => {
  const fixture = buildFixture();
  const epochEnds = fixture.events.filter((e): e is EpochEndEvent => e.type === 'epoch-end');

  it('numbers epochs through the arm and averages over seeds', () => {
    const points = lossCurves(epochEnds, fixture.plan).filter((p) => p.arm === 'hybrid');
    expect(points.map((p) => p.epoch)).toEqual([1, 2, 3, 4]);
    expect(points.map((p) => p.phase)).toEqual(['pretrain', 'pretrain', 'train', 'train']);
    const first = epochEnds.filter((e) => e.arm === 'hybrid' && e.step === 0 && e.epoch === 1).map((e) => e.loss);
    expect(first).toHaveLength(3);
    expect(points[0].loss).toBeCloseTo(first.reduce((a, b) => a + b, 0) / 3, 12);
  });

  it('borrows a reused shared prefix from the arm that computed it', () => {
    // hybrid-nr's pretrain is the same computation as hybrid's, so the runtime emits no epochs for it.
    expect(epochEnds.some((e) => e.arm === 'hybrid-nr' && e.step === 0)).toBe(false);
    const nr = lossCurves(epochEnds, fixture.plan).filter((p) => p.arm === 'hybrid-nr');
    const hy = lossCurves(epochEnds, fixture.plan).filter((p) => p.arm === 'hybrid');
    expect(nr.map((p) => p.epoch)).toEqual([1, 2, 3, 4]);
    expect(nr[0].loss).toBe(hy[0].loss);
  });

  it('without a plan, places steps in event order', () => {
    const points = lossCurves(epochEnds, null).filter((p) => p.arm === 'baseline');
    expect(points.map((p) => p.epoch)).toEqual([1, 2, 3, 4]);
  });

  it('renders as a line chart', async () => {
    const svg = await renderSvg(lossChartSpec(lossCurves(epochEnds, fixture.plan), 'loss')!);
    expect(svg).toContain('training loss (NLL)');
    expect(svg).toContain('line mark');
  });
});
