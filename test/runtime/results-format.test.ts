import { describe, expect, it } from 'vitest';
import { buildTable, stat } from '../../runtime/results/results-table.js';
import { formatResultsCsv, formatResultsMarkdown } from '../../runtime/results/results-format.js';
import type { EvalRecord, Results } from '../../runtime/results.js';
import { arm, evalStep, tinyPlan, train } from './helpers/tiny-plan.js';

const plan = tinyPlan(
  [arm('baseline', [train(1), evalStep('final')]), arm('hybrid', [train(1), evalStep('final')], { arm: 'baseline', label: 'final', reason: 'baseline-arm' })],
  { seeds: [1, 2], repeat: 2 },
);

function rec(armName: string, seed: number, testSet: string, accuracy: number): EvalRecord {
  return { arm: armName, seed, label: 'final', testSet, accuracy, loss: 0.1, n: 100 };
}

const evals = [
  rec('baseline', 1, 'pmnist.unmodified', 0.9),
  rec('baseline', 2, 'pmnist.unmodified', 0.92),
  rec('hybrid', 1, 'pmnist.unmodified', 0.95),
  rec('baseline', 1, 'pmnist.hcut', 0.5),
  rec('baseline', 2, 'pmnist.hcut', 0.6),
  rec('hybrid', 1, 'pmnist.hcut', 0.7),
];
const status = { baseline: { '1': 'done', '2': 'done' }, hybrid: { '1': 'done', '2': 'diverged at epoch 1 batch 3 (loss NaN)' } };

function results(): Results {
  return {
    schema: 'mfx.results', version: 1, title: 'fmt', file: 'f.mfx', planHash: 'h', backend: 'cpu', subset: { train: 100, test: null }, seeds: [1, 2],
    startedAt: '2026-01-01T00:00:00Z', seconds: 3, status: 'done', evals, table: buildTable(plan, evals, status),
  };
}

describe('results table', () => {
  it('computes mean, sample std, min and max', () => {
    expect(stat([1, 2, 3])).toEqual({ mean: 2, std: 1, min: 1, max: 3, n: 3, values: [1, 2, 3] });
    expect(stat([5])).toMatchObject({ std: 0, n: 1 });
    expect(stat([])).toBeNull();
  });

  it('pairs Delta by seed and leaves out seeds without a number (diverged)', () => {
    const cell = results().table.columns[1].cells['pmnist.hcut'];
    expect(cell.accuracy.values).toEqual([0.7]);
    expect(cell.delta!.values[0]).toBeCloseTo(0.2, 12);
  });

  it('writes the talk\'s Table 1 layout in results.md, with mean ± std over seeds and the reason a seed is missing', () => {
    const md = formatResultsMarkdown(results());
    expect(md).toContain('| test set | baseline acc % | hybrid acc % | hybrid Δ vs baseline |');
    expect(md).toContain('| pmnist.unmodified | 91.00 ± 1.41 | 95.00 | +5.00 |');
    expect(md).toContain('hybrid (seed 2): diverged at epoch 1 batch 3 (loss NaN)');
    expect(md).toContain('Subset: first 100 training images, all test images.');
  });

  it('writes one CSV row per arm and test set with unrounded numbers', () => {
    const lines = formatResultsCsv(results()).trim().split('\n');
    expect(lines[0]).toMatch(/^arm,label,test_set,n_seeds,accuracy_mean/);
    expect(lines).toHaveLength(5);
    const row = lines[3].split(',');
    expect(row.slice(0, 9)).toEqual(['hybrid', 'final', 'pmnist.unmodified', '1', '0.95', '0', '0.95', '0.95', 'baseline:final']);
    expect(Number(row[9])).toBeCloseTo(0.05, 12);
  });
});

describe('the protocol table in results.md', () => {
  it('writes final, validation-selected and best test epoch per arm, Deltas against the baseline, and the selected epochs', () => {
    const s = (v: number) => stat([v])!;
    const cell = (f: number, sel: number, best: number, d: number | null) => ({
      final: s(f), selected: s(sel), bestTest: s(best),
      deltaFinal: d === null ? null : s(d), deltaSelected: d === null ? null : s(d), deltaBestTest: d === null ? null : s(d + 0.01),
    });
    const md = formatResultsMarkdown({
      ...results(),
      protocol: {
        testSets: ['pmnist.tcut'],
        columns: [
          { arm: 'baseline', label: 'final', baseline: null, epochs: 10, selectedEpoch: { 1: 7 }, cells: { 'pmnist.tcut': cell(0.4, 0.41, 0.45, null) } },
          { arm: 'hybrid', label: 'final', baseline: { arm: 'baseline', label: 'final' }, epochs: 10, selectedEpoch: { 1: 10 }, cells: { 'pmnist.tcut': cell(0.42, 0.42, 0.5, 0.02) } },
        ],
      },
    });
    expect(md).toContain('| arm | epoch reported | pmnist.tcut |');
    expect(md).toContain('| baseline | best test epoch (test-selected, optimistic) | 45.00 |');
    expect(md).toContain('| hybrid | validation-selected epoch | 42.00 (Δ +2.00) |');
    expect(md).toContain('| hybrid | best test epoch (test-selected, optimistic) | 50.00 (Δ +3.00) |');
    expect(md).toContain('- baseline: seed 1: 7/10');
  });
});
