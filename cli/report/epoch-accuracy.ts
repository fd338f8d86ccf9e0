// Accuracy after every scored epoch (results.json's `@epoch-N` records), per arm and set, mean
// over the seeds, for the report's per-epoch chart.
import type { EvalRecord } from '../../runtime/results.js';
import { epochLabel } from '../../runtime/results/epoch-records.js';
import type { EpochAccuracyPoint } from './chart-specs.js';

export function epochAccuracy(evals: readonly EvalRecord[]): EpochAccuracyPoint[] {
  const groups = new Map<string, { arm: string; set: string; epoch: number; values: number[] }>();
  for (const e of evals) {
    if (e.epoch === undefined || e.selected || e.label !== epochLabel(e.epoch)) continue;
    const key = `${e.arm}\u0000${e.testSet}\u0000${e.epoch}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { arm: e.arm, set: e.testSet, epoch: e.epoch, values: [] }));
    g.values.push(e.accuracy);
  }
  const sets = [...new Set([...groups.values()].map((g) => g.set))].sort((a, b) => (a === 'validation' ? -1 : b === 'validation' ? 1 : 0));
  return [...groups.values()]
    .sort((a, b) => sets.indexOf(a.set) - sets.indexOf(b.set) || a.epoch - b.epoch)
    .map((g) => ({ arm: g.arm, set: g.set, epoch: g.epoch, accuracy: g.values.reduce((s, v) => s + v, 0) / g.values.length, seeds: g.values.length }));
}
