// The talk's protocol against mfx's (issue 20): per arm whose reported eval follows a train step
// that scores its epochs, and per test set, three accuracies over seeds: at the final epoch (what
// the results table reports), at the epoch with the best validation accuracy (`train N select`:
// chosen without looking at any test set), and the best test accuracy over the step's epochs
// (`eval ... every epoch`: the talk's "best accuracy reached", chosen on the test set itself, so
// optimistic). Each with Delta against the baseline's same quantity, paired by seed.
import type { ArmSpec, Plan } from '../../compiler/plan.js';
import type { EvalRecord, Stat } from '../results.js';
import { stat } from './results-table.js';

export interface ProtocolCell {
  final: Stat | null;
  /** At the validation-selected epoch; null without `select`. */
  selected: Stat | null;
  /** The best test accuracy over the epochs (test-selected, optimistic); null without `every epoch`. */
  bestTest: Stat | null;
  /** Paired by seed against the baseline's same quantity; null without a baseline or its numbers. */
  deltaFinal: Stat | null;
  deltaSelected: Stat | null;
  deltaBestTest: Stat | null;
}

export interface ProtocolColumn {
  arm: string;
  label: string;
  baseline: { arm: string; label: string } | null;
  /** Epochs of the scored train step. */
  epochs: number;
  /** Per seed: the validation-selected epoch, counted within the step (1..epochs). */
  selectedEpoch: Record<string, number>;
  cells: Record<string, ProtocolCell>;
}

export interface ProtocolTable {
  testSets: string[];
  columns: ProtocolColumn[];
}

type Quantity = 'final' | 'selected' | 'bestTest';

/** Where an eval's epochs were scored: the train step before the eval labelled `label`. */
function scoredStep(arm: ArmSpec, label: string): { index: number; before: number; epochs: number; select: boolean; every: boolean } | null {
  const at = arm.steps.findIndex((s) => s.kind === 'eval' && s.label === label);
  let before = 0;
  let found: { index: number; before: number; epochs: number; select: boolean; every: boolean } | null = null;
  for (let i = 0; i < at; i++) {
    const s = arm.steps[i];
    if (s.kind !== 'train') continue;
    found = { index: i, before, epochs: s.epochs, select: s.select !== undefined, every: (s.everyEpoch?.length ?? 0) > 0 };
    before += s.epochs;
  }
  return found && (found.select || found.every) ? found : null;
}

/** Null when no arm reports an eval after a train step that scores its epochs. */
export function buildProtocolTable(plan: Plan, evals: EvalRecord[]): ProtocolTable | null {
  const byArm = new Map<string, EvalRecord[]>();
  for (const e of evals) byArm.set(e.arm, [...(byArm.get(e.arm) ?? []), e]);
  const armOf = new Map(plan.arms.map((a) => [a.name, a]));

  /** One quantity of (arm, eval label) for one seed and test set; undefined when not recorded. */
  const value = (armName: string, label: string, seed: number, testSet: string, q: Quantity): number | undefined => {
    const arm = armOf.get(armName);
    const records = (byArm.get(armName) ?? []).filter((e) => e.seed === seed && e.testSet === testSet);
    if (q === 'final') return records.find((e) => e.label === label && e.epoch === undefined)?.accuracy;
    const step = arm && scoredStep(arm, label);
    if (!step) return undefined;
    const own = records.filter((e) => e.step === step.index);
    if (q === 'selected') return own.find((e) => e.selected)?.accuracy;
    const epochs = own.filter((e) => !e.selected).map((e) => e.accuracy);
    return epochs.length > 0 ? Math.max(...epochs) : undefined;
  };

  const columns: ProtocolColumn[] = [];
  for (const arm of plan.arms) {
    if (arm.reportLabel === null) continue;
    const step = scoredStep(arm, arm.reportLabel);
    if (!step) continue;
    const label = arm.reportLabel;
    const base = arm.baseline;
    const cells: Record<string, ProtocolCell> = {};
    for (const testSet of plan.testSets) {
      const series = (q: Quantity) => {
        const values: number[] = [];
        const deltas: number[] = [];
        for (const seed of plan.seeds) {
          const v = value(arm.name, label, seed, testSet, q);
          if (v === undefined) continue;
          values.push(v);
          const b = base ? value(base.arm, base.label, seed, testSet, q) : undefined;
          if (b !== undefined) deltas.push(v - b);
        }
        return { acc: stat(values), delta: base ? stat(deltas) : null };
      };
      const f = series('final');
      if (!f.acc) continue;
      const s = step.select ? series('selected') : null;
      const b = step.every ? series('bestTest') : null;
      cells[testSet] = { final: f.acc, selected: s?.acc ?? null, bestTest: b?.acc ?? null, deltaFinal: f.delta, deltaSelected: s?.delta ?? null, deltaBestTest: b?.delta ?? null };
    }
    const selectedEpoch: Record<string, number> = {};
    for (const seed of plan.seeds) {
      const rec = (byArm.get(arm.name) ?? []).find((e) => e.seed === seed && e.step === step.index && e.selected);
      if (rec?.epoch !== undefined) selectedEpoch[String(seed)] = rec.epoch - step.before;
    }
    columns.push({ arm: arm.name, label, baseline: base ? { arm: base.arm, label: base.label } : null, epochs: step.epochs, selectedEpoch, cells });
  }
  if (columns.length === 0) return null;
  return { testSets: plan.testSets.filter((t) => columns.some((c) => c.cells[t])), columns };
}
