// The agreement section of a report (and of `mfx compare --agreement`): one table row per
// pair and test set, and a chart of the images only one side gets right.
import type { TopLevelSpec } from 'vega-lite';
import { NOT_AVAILABLE } from '../../runtime/results/numbers.js';
import type { AgreementCounts } from '../../runtime/results/agreement.js';
import type { Block } from './document.js';
import { pText, type PairAgreement } from './agreement.js';
import { testSetLabel } from './test-set-label.js';
import { HIDDEN_SIGNAL } from './chart-specs.js';

/** Marks a p-value below SIGNIFICANCE. */
export const SIGNIFICANT_MARK = '*';
export const SIGNIFICANCE = 0.05;

const COUNT_FIELDS = ['bothRight', 'onlyA', 'onlyB', 'bothWrong'] as const;

function meanCounts(p: PairAgreement): Record<(typeof COUNT_FIELDS)[number], number> {
  const seeds = p.agreement.perSeed;
  const mean = (f: keyof AgreementCounts) => seeds.reduce((s, x) => s + x.counts[f], 0) / seeds.length;
  return { bothRight: mean('bothRight'), onlyA: mean('onlyA'), onlyB: mean('onlyB'), bothWrong: mean('bothWrong') };
}

function countText(v: number, seeds: number): string {
  return seeds === 1 ? String(v) : v.toFixed(1);
}

function marked(p: number): string {
  return `${pText(p)}${p < SIGNIFICANCE ? ` ${SIGNIFICANT_MARK}` : ''}`;
}

/** The table: both right / only A / only B / both wrong (mean over seeds), p per seed, p combined. */
export function agreementTable(pairs: PairAgreement[], id: string): Block {
  const rows = pairs.map((p) => {
    const seeds = p.agreement.perSeed;
    const c = meanCounts(p);
    const combined = p.agreement.combined;
    return [
      p.a.name,
      p.b.name,
      testSetLabel(p.testSet),
      ...COUNT_FIELDS.map((f) => countText(c[f], seeds.length)),
      seeds.map((s) => (seeds.length === 1 ? marked(s.p) : `${s.seed}: ${pText(s.p)}`)).join(', '),
      combined ? `${marked(combined.p)} (${combined.aBetter} vs ${combined.bBetter})` : `${NOT_AVAILABLE} (one seed)`,
    ];
  });
  const header = ['A', 'B', 'test set', 'both right', 'only A', 'only B', 'both wrong', 'McNemar p per seed', 'combined p (images A vs B better)'];
  return { kind: 'table', id, header, rows, rowHeaders: true, align: header.map((_, i) => (i < 3 ? 'left' : 'right')) };
}

/** What the table says, for the paragraph above it. */
export function agreementExplanation(seeds: number): string {
  return (
    'Per test set, the images both evaluations classify correctly, only A, only B, and neither' +
    (seeds > 1 ? ' (mean over seeds)' : '') +
    ". McNemar's exact two-sided test asks whether only-A and only-B differ by more than chance (binomial on the discordant images, p = 1/2). " +
    'Combined over seeds: every seed scores the same images, so per-seed tests are not independent and neither Fisher\'s combination nor pooling the discordant counts is valid; ' +
    'instead each image counts once, with net = seeds in which A gets it right minus seeds in which B does, and the exact sign-flip test asks whether the sum of nets could be chance (each image\'s net as likely negative as positive; with one seed this is McNemar\'s test). In brackets: images A gets right in more seeds than B, and the reverse. ' +
    `\`${SIGNIFICANT_MARK}\`: p < ${SIGNIFICANCE}. These tests hold the trained networks fixed; the Delta interval over seeds speaks to training randomness.`
  );
}

const CATEGORY_COLORS: Record<string, string> = { 'only A right': '#54a24b', 'only B right': '#e45756', 'both wrong': '#bab0ac' };

/** Stacked bars per test set: the share of images only A, only B, or neither gets right (both right is the rest). */
export function agreementChartSpec(pairs: PairAgreement[], title: string): TopLevelSpec | null {
  if (pairs.length === 0) return null;
  const sets = [...new Set(pairs.map((p) => testSetLabel(p.testSet)))];
  const names = [...new Set(pairs.map((p) => `${p.a.name} vs ${p.b.name}`))];
  const rows: Record<string, unknown>[] = [];
  for (const p of pairs) {
    const c = meanCounts(p);
    const n = p.agreement.perSeed[0].counts.n;
    const pair = `${p.a.name} vs ${p.b.name}`;
    const parts: [string, number][] = [['only A right', c.onlyA], ['only B right', c.onlyB], ['both wrong', c.bothWrong]];
    for (const [rank, [category, count]] of parts.entries()) {
      rows.push({ testSet: testSetLabel(p.testSet), pair, category, rank, share: (count / n) * 100, images: countText(count, p.agreement.perSeed.length), n });
    }
  }
  const categories = Object.keys(CATEGORY_COLORS);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: 'share of test images (%), mean over seeds; the rest: both right', anchor: 'start' },
    config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif', view: { stroke: null }, axis: { labelLimit: 400 } },
    params: [{ name: HIDDEN_SIGNAL, value: [] }],
    data: { values: rows },
    facet: { column: { field: 'testSet', type: 'nominal', sort: sets, title: 'test set' } },
    spec: {
      width: Math.max(110, Math.floor(640 / sets.length)),
      height: { step: 16 },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'pair', type: 'nominal', sort: names, title: null },
        x: { field: 'share', type: 'quantitative', stack: 'zero', title: '% of images' },
        color: { field: 'category', type: 'nominal', title: 'images', sort: categories, scale: { domain: categories, range: categories.map((k) => CATEGORY_COLORS[k]) } },
        order: { field: 'rank', type: 'quantitative' },
        opacity: { condition: { test: `indexof(${HIDDEN_SIGNAL}, datum.category) >= 0`, value: 0 }, value: 1 },
        tooltip: [{ field: 'pair' }, { field: 'testSet', title: 'test set' }, { field: 'category' }, { field: 'images', title: 'images (mean over seeds)' }, { field: 'n', title: 'of' }],
      },
    },
    resolve: { axis: { y: 'shared' } },
  } as unknown as TopLevelSpec;
}
