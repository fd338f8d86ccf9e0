// From evaluation records to the summary table (talk's Table 1): per arm, the reported eval's
// accuracy per test set over seeds, and Delta paired by seed against the arm's baseline.
import type { Plan } from '../../compiler/plan.js';
import type { ArmColumn, EvalRecord, ResultsTable, Stat, TableCell } from '../results.js';
import { summarize } from './stats.js';

/** summarize() of values in seed order; null for no values. */
export function stat(values: number[]): Stat | null {
  return values.length === 0 ? null : summarize(values);
}

function lookup(evals: EvalRecord[]): (arm: string, seed: number, label: string, testSet: string) => number | undefined {
  const map = new Map<string, number>();
  for (const e of evals) map.set(`${e.arm}\u0000${e.seed}\u0000${e.label}\u0000${e.testSet}`, e.accuracy);
  return (arm, seed, label, testSet) => map.get(`${arm}\u0000${seed}\u0000${label}\u0000${testSet}`);
}

/**
 * Builds the table. `status[arm][seed]` is `done` or why that seed has no numbers; seeds whose
 * arm (or baseline) has no reported accuracy are left out of that cell's statistics.
 */
export function buildTable(plan: Plan, evals: EvalRecord[], status: Record<string, Record<string, string>>): ResultsTable {
  const accuracy = lookup(evals);
  const columns: ArmColumn[] = [];
  for (const arm of plan.arms) {
    if (arm.reportLabel === null) continue;
    const label = arm.reportLabel;
    const cells: Record<string, TableCell> = {};
    const testSets = plan.testSets.filter((t) => plan.seeds.some((s) => accuracy(arm.name, s, label, t) !== undefined));
    for (const testSet of testSets) {
      const values: number[] = [];
      const deltas: number[] = [];
      for (const seed of plan.seeds) {
        const a = accuracy(arm.name, seed, label, testSet);
        if (a === undefined) continue;
        values.push(a);
        if (arm.baseline) {
          const b = accuracy(arm.baseline.arm, seed, arm.baseline.label, testSet);
          if (b !== undefined) deltas.push(a - b);
        }
      }
      const acc = stat(values);
      if (acc) cells[testSet] = { accuracy: acc, delta: arm.baseline ? stat(deltas) : null };
    }
    const armStatus: Record<string, string> = {};
    for (const seed of plan.seeds) armStatus[String(seed)] = status[arm.name]?.[String(seed)] ?? 'not run';
    const column: ArmColumn = { arm: arm.name, label, baseline: arm.baseline, status: armStatus, cells };
    if (arm.template !== undefined) column.template = arm.template;
    if (arm.bindings) column.bindings = arm.bindings;
    columns.push(column);
  }
  const used = plan.testSets.filter((t) => columns.some((c) => c.cells[t]));
  return { testSets: used, columns };
}
