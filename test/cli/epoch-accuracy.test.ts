// The report's per-epoch accuracy chart data: means over seeds of the `@epoch-N` records only.
import { describe, expect, it } from 'vitest';
import { epochAccuracyChartSpec } from '../../cli/report/chart-specs.js';
import { epochAccuracy } from '../../cli/report/epoch-accuracy.js';
import type { EvalRecord } from '../../runtime/results.js';

const rec = (seed: number, testSet: string, epoch: number, accuracy: number, extra: Partial<EvalRecord> = {}): EvalRecord => ({
  arm: 'hybrid', seed, label: `@epoch-${epoch}`, testSet, accuracy, loss: 1, n: 10, epoch, step: 0, ...extra,
});

describe('per-epoch accuracy', () => {
  it('averages each arm, set and epoch over the seeds, validation first, leaving out evals and selected records', () => {
    const points = epochAccuracy([
      rec(1, 'pmnist.tcut', 1, 0.4),
      rec(2, 'pmnist.tcut', 1, 0.6),
      rec(1, 'validation', 1, 0.9),
      rec(1, 'validation', 2, 0.95),
      rec(1, 'pmnist.tcut', 2, 0.7, { label: '@selected-step-1', selected: true }),
      { arm: 'hybrid', seed: 1, label: 'final', testSet: 'pmnist.tcut', accuracy: 0.1, loss: 1, n: 10 },
    ]);
    expect(points).toEqual([
      { arm: 'hybrid', set: 'validation', epoch: 1, accuracy: 0.9, seeds: 1 },
      { arm: 'hybrid', set: 'validation', epoch: 2, accuracy: 0.95, seeds: 1 },
      { arm: 'hybrid', set: 'pmnist.tcut', epoch: 1, accuracy: 0.5, seeds: 2 },
    ]);
    expect(epochAccuracyChartSpec(points, 'Accuracy per epoch')).toMatchObject({ facet: { sort: ['validation split', 'tcut'] } });
    expect(epochAccuracyChartSpec([], 'none')).toBeNull();
  });
});
