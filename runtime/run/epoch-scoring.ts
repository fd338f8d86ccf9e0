// Scoring a train step's epochs (issue 20, "the talk's protocol"): with `select`, the validation
// split after every epoch, keeping the parameters of the epoch with the best validation accuracy
// (the first on ties) and, at the end of the step, scoring that epoch's network on the test sets
// of the evals after the step; with `eval ... every epoch` after the step, those test sets after
// every epoch. All of it under the step's view (its features, and the heads its loss reads; the
// compiler checks the evals read the same). Training itself is untouched: the step ends on its last epoch as always.
import type { StepSpec } from '../../compiler/plan.js';
import type { EvalRecord } from '../results.js';
import type { KeptEpoch } from '../store/checkpoint.js';
import { assignParams, readParams } from '../store/weights-file.js';
import { epochLabel, selectedLabel, VALIDATION_SET } from '../results/epoch-records.js';
import type { Images } from '../training/image-batch.js';
import { evaluate } from './evaluate.js';
import type { StepRun } from './steps.js';

type TrainStep = Extract<StepSpec, { kind: 'train' }>;

/** Whether the step scores anything after its epochs. */
export function scoresEpochs(step: StepSpec): boolean {
  return step.kind === 'train' && (step.select !== undefined || (step.everyEpoch?.length ?? 0) > 0);
}

/** Epochs the arm trained before step `index` (epoch numbers in records count from the arm's start, as `after-epoch-N` labels do). */
export function epochsBefore(steps: readonly StepSpec[], index: number): number {
  return steps.slice(0, index).reduce((a, s) => a + (s.kind === 'train' ? s.epochs : 0), 0);
}

export class EpochScoring {
  private best: KeptEpoch | null = null;
  private readonly before: number;

  constructor(
    private readonly step: TrainStep,
    private readonly run: StepRun,
  ) {
    this.before = epochsBefore(run.arm.steps, run.index);
    // Resumed inside this step (--resume): the best epoch before the interruption, from the checkpoint.
    const { state, index } = run;
    this.best = state.step === index && state.epochsDone > 0 ? (state.kept ?? null) : null;
    state.kept = this.best ?? undefined;
  }

  private testImages(testSet: string): Images {
    const { ctx } = this.run;
    const ref = ctx.plan.testSetRefs.find((t) => t.name === testSet);
    if (!ref) throw new Error(`train step scores ${testSet}, which is not among the Plan's test sets`);
    return ctx.data.testSet(ref, ctx.plan.seed);
  }

  private async score(images: Images, testSet: string, label: string, epoch: number, selected: boolean): Promise<EvalRecord> {
    const { arm, seed, state, index } = this.run;
    const r = await evaluate(state.net, images, { feature: this.step.feature, on: this.step.on, heads: this.step.heads });
    const record: EvalRecord = { arm: arm.name, seed, label, testSet, accuracy: r.accuracy, loss: r.loss, n: r.n, epoch, step: index, ...(selected ? { selected: true } : {}) };
    // The selected epoch's predictions are kept like an eval's, so agreement and McNemar can be
    // computed at it (`mfx compare --agreement RUN:ARM@@selected-step-6 ...`); per-epoch ones are not (10 per step).
    if (selected) this.run.ctx.folder.writePredictions(record, r.predicted, images.labels);
    state.evals.push(record);
    return record;
  }

  /** After epoch `epoch` (1-based within the step): returns the validation accuracy, when scored. */
  async afterEpoch(epoch: number): Promise<number | undefined> {
    const n = this.before + epoch;
    let validation: number | undefined;
    if (this.step.select) {
      const split = this.run.ctx.data.validation;
      if (!split) throw new Error('a `select` step runs without a validation split (the Plan has no `validation`)');
      const r = await this.score(split, VALIDATION_SET, epochLabel(n), n, false);
      validation = r.accuracy;
      if (!this.best || r.accuracy > this.best.accuracy) {
        this.best = { epoch: n, accuracy: r.accuracy, params: readParams(this.run.state.net) };
        this.run.state.kept = this.best; // written with the checkpoint after this epoch
      }
    }
    for (const testSet of this.step.everyEpoch ?? []) await this.score(this.testImages(testSet), testSet, epochLabel(n), n, false);
    return validation;
  }

  /** At the end of the step: the selected epoch's network on the test sets of the evals after it, then back to the last epoch. */
  async finish(): Promise<void> {
    const best = this.best;
    this.run.state.kept = undefined;
    if (!this.step.select || !best || this.step.select.testSets.length === 0) return;
    const net = this.run.state.net;
    const last = readParams(net);
    assignParams(net, best.params, 'the selected epoch');
    try {
      for (const testSet of this.step.select.testSets) await this.score(this.testImages(testSet), testSet, selectedLabel(this.run.index), best.epoch, true);
    } finally {
      assignParams(net, last, 'the last epoch');
    }
  }
}
