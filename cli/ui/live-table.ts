// The results table built from the eval-result events seen so far, so it can fill in while
// the run goes; at run-end the runtime's own results.table replaces it.
import type { ArmColumn, EvalRecord, ResultsTable, TableCell } from '../../runtime/results.js';
import { summarize } from '../../runtime/results/stats.js';

export interface LiveTableInput {
  arms: string[];
  testSets: string[];
  seeds: number[];
  evals: readonly EvalRecord[];
  /** From run-start when the runtime provides it; without it there is no Delta until run-end. */
  baselines?: Record<string, { arm: string; label: string } | null>;
  reportLabels?: Record<string, string | null>;
  /** Per arm with heads: the labelled head evaluations shown beside its reported one (`ARM@LABEL`). */
  headLabels?: Record<string, string[]>;
  /** Per arm and seed: `done` or why there are no numbers (from arm-end events). */
  armStatus: Record<string, Record<string, string>>;
}

/** Which eval label stands for an arm: the declared one, else `final`, else the latest seen. */
function reportLabel(arm: string, input: LiveTableInput): string | null {
  if (input.reportLabels && arm in input.reportLabels) return input.reportLabels[arm];
  const labels = input.evals.filter((e) => e.arm === arm).map((e) => e.label);
  if (labels.includes('final')) return 'final';
  return labels.length > 0 ? labels[labels.length - 1] : null;
}

function accuracyOf(evals: readonly EvalRecord[], arm: string, label: string, testSet: string, seed: number): number | undefined {
  // The last evaluation wins (a resumed run may repeat one).
  for (let i = evals.length - 1; i >= 0; i--) {
    const e = evals[i];
    if (e.arm === arm && e.label === label && e.testSet === testSet && e.seed === seed) return e.accuracy;
  }
  return undefined;
}

/** The table so far; arms with nothing evaluated yet still get a column (all cells missing). */
export function liveResultsTable(input: LiveTableInput): ResultsTable {
  const columns: ArmColumn[] = [];
  for (const arm of input.arms) {
    const label = reportLabel(arm, input);
    if (label === null) continue;
    columns.push(liveColumn(input, arm, label));
    for (const head of input.headLabels?.[arm] ?? []) columns.push({ ...liveColumn(input, arm, head), labelled: true });
  }
  return { testSets: input.testSets, columns };
}

function liveColumn(input: LiveTableInput, arm: string, label: string): ArmColumn {
  const ref = input.baselines?.[arm] ?? null;
  const cells: Record<string, TableCell> = {};
  for (const testSet of input.testSets) {
    const acc: number[] = [];
    const delta: number[] = [];
    for (const seed of input.seeds) {
      const a = accuracyOf(input.evals, arm, label, testSet, seed);
      if (a === undefined) continue;
      acc.push(a);
      if (ref) {
        const b = accuracyOf(input.evals, ref.arm, ref.label, testSet, seed);
        if (b !== undefined) delta.push(a - b);
      }
    }
    if (acc.length > 0) cells[testSet] = { accuracy: summarize(acc), delta: delta.length > 0 ? summarize(delta) : null };
  }
  return {
    arm,
    label,
    // The reason is not in the event; only arm and label are shown, so own-snapshot vs other arm suffices.
    baseline: ref ? { arm: ref.arm, label: ref.label, reason: ref.arm === arm ? 'snapshot' : 'named' } : null,
    status: input.armStatus[arm] ?? {},
    cells,
  };
}
