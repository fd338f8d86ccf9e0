// From evaluation records to the summary table (talk's Table 1): per arm, the reported eval's
// accuracy per test set over seeds, and Delta paired by seed against the arm's baseline. An arm
// with heads also gets a column for each other labelled evaluation of heads (`as missing on
// missing`), measured against the same baseline.
import type { ArmSpec, Plan } from '../../compiler/plan.js';
import type { ArmColumn, Collapse, EvalRecord, ResultsTable, Stat, TableCell } from '../results.js';
import { summarize } from './stats.js';

/** A network that gives one class to this share of a test set or more has collapsed onto it. */
export const COLLAPSE_SHARE = 0.95;

/** Images predicted as each class (index = class), from the predicted class of every image. */
export function classCounts(predictions: ArrayLike<number>, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < predictions.length; i++) {
    const c = predictions[i];
    if (c < classes) counts[c]++;
  }
  return counts;
}

/** The class predicted for at least COLLAPSE_SHARE of the images, and its share; null otherwise or when unknown. */
export function dominantClass(predicted: number[] | undefined): { predictedClass: number; share: number } | null {
  if (!predicted || predicted.length < 2) return null;
  const total = predicted.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const top = predicted.indexOf(Math.max(...predicted));
  const share = predicted[top] / total;
  return share >= COLLAPSE_SHARE ? { predictedClass: top, share } : null;
}

/** summarize() of values in seed order; null for no values. */
export function stat(values: number[]): Stat | null {
  return values.length === 0 ? null : summarize(values);
}

function lookup(evals: EvalRecord[]): (arm: string, seed: number, label: string, testSet: string) => EvalRecord | undefined {
  const map = new Map<string, EvalRecord>();
  for (const e of evals) map.set(`${e.arm}\u0000${e.seed}\u0000${e.label}\u0000${e.testSet}`, e);
  return (arm, seed, label, testSet) => map.get(`${arm}\u0000${seed}\u0000${label}\u0000${testSet}`);
}

/** How a column is named in tables and charts: the arm, or `ARM@LABEL` for a labelled head evaluation. */
export function columnName(column: { arm: string; label: string; labelled?: true }): string {
  return column.labelled ? `${column.arm}@${column.label}` : column.arm;
}

/** The labels of an arm's evaluations of heads that get columns beside its reported one, in schedule order (none when it reports nothing). */
export function headEvalLabels(arm: ArmSpec): string[] {
  if (arm.reportLabel === null) return [];
  const labels = arm.steps.flatMap((s) => (s.kind === 'eval' && !s.snapshot && (s.on !== undefined || s.heads !== undefined) && s.label !== arm.reportLabel ? [s.label] : []));
  return [...new Set(labels)];
}

/** The arm's reported label, then the labels of its other evaluations of heads. */
function armLabels(arm: ArmSpec): { label: string; labelled: boolean }[] {
  if (arm.reportLabel === null) return [];
  return [{ label: arm.reportLabel, labelled: false }, ...headEvalLabels(arm).map((label) => ({ label, labelled: true }))];
}

type Lookup = ReturnType<typeof lookup>;

/** One column: `label`'s accuracy per test set over seeds and its Delta against the arm's baseline. */
function armColumn(plan: Plan, record: Lookup, status: Record<string, Record<string, string>>, arm: ArmSpec, label: string, labelled: boolean): ArmColumn {
  const accuracy = (armName: string, seed: number, l: string, testSet: string) => record(armName, seed, l, testSet)?.accuracy;
  const cells: Record<string, TableCell> = {};
  const testSets = plan.testSets.filter((t) => plan.seeds.some((s) => accuracy(arm.name, s, label, t) !== undefined));
  for (const testSet of testSets) {
    const values: number[] = [];
    const deltas: number[] = [];
    let collapse: Collapse | null = null;
    for (const seed of plan.seeds) {
      const a = accuracy(arm.name, seed, label, testSet);
      if (a === undefined) continue;
      values.push(a);
      const dominant = dominantClass(record(arm.name, seed, label, testSet)?.predicted);
      if (dominant) {
        collapse ??= { seeds: [], ...dominant };
        collapse.seeds.push(seed);
        if (dominant.share > collapse.share) Object.assign(collapse, dominant);
      }
      if (arm.baseline) {
        const b = accuracy(arm.baseline.arm, seed, arm.baseline.label, testSet);
        if (b !== undefined) deltas.push(a - b);
      }
    }
    const acc = stat(values);
    if (acc) cells[testSet] = { accuracy: acc, delta: arm.baseline ? stat(deltas) : null, ...(collapse ? { collapse } : {}) };
  }
  const armStatus: Record<string, string> = {};
  for (const seed of plan.seeds) armStatus[String(seed)] = status[arm.name]?.[String(seed)] ?? 'not run';
  const column: ArmColumn = { arm: arm.name, label, baseline: arm.baseline, status: armStatus, cells };
  if (labelled) column.labelled = true;
  if (arm.template !== undefined) column.template = arm.template;
  if (arm.bindings) column.bindings = arm.bindings;
  return column;
}

/**
 * Builds the table. `status[arm][seed]` is `done` or why that seed has no numbers; seeds whose
 * arm (or baseline) has no reported accuracy are left out of that cell's statistics.
 */
export function buildTable(plan: Plan, evals: EvalRecord[], status: Record<string, Record<string, string>>): ResultsTable {
  const record = lookup(evals);
  const columns = plan.arms.flatMap((arm) => armLabels(arm).map(({ label, labelled }) => armColumn(plan, record, status, arm, label, labelled)));
  const used = plan.testSets.filter((t) => columns.some((c) => c.cells[t]));
  return { testSets: used, columns };
}
