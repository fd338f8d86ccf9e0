// What each step kind does to an arm's state: one StepRunner per kind in a record keyed by
// StepKind, so the compiler refuses a Plan step kind without a runner. A new step kind is a
// new entry here (and its StepSpec in compiler/plan.ts).
import { classCounts } from '../results/results-table.js';
import * as tf from '@tensorflow/tfjs-core';
import type { FeatureTransform, StepSpec } from '../../compiler/plan.js';
import type { EvalRecord } from '../results.js';
import { initialValues, resetPurpose } from '../model/init.js';
import { addHead, networkParams } from '../model/network.js';
import { trainEpoch } from '../training/train-epoch.js';
import { prepareFeatureCache, type CachedFeatures } from '../reuse/feature-cache.js';
import { loadWeights, saveWeights } from '../store/weights-file.js';
import { evaluate } from './evaluate.js';
import { EpochScoring, scoresEpochs } from './epoch-scoring.js';
import type { ArmContext } from './context.js';
import { invertedInView } from '../model/feature-transform.js';
import { writeArmCheckpoint, type ArmState } from './start-state.js';
import type { ArmSpec } from '../../compiler/plan.js';

export type StepKind = StepSpec['kind'];
type StepOf<K extends StepKind> = Extract<StepSpec, { kind: K }>;

/** Where a step runs: its arm, seed and position, and the state it changes. */
export interface StepRun {
  ctx: ArmContext;
  arm: ArmSpec;
  seed: number;
  index: number;
  state: ArmState;
  warn: (message: string) => void;
}

export type StepOutcome = { kind: 'done'; changesWeights: boolean } | { kind: 'stopped' } | { kind: 'diverged'; message: string };

export type StepRunner<K extends StepKind> = (step: StepOf<K>, run: StepRun) => Promise<StepOutcome>;

const MODEL_FEATURES: FeatureTransform = { kind: 'model' };
const unchanged: StepOutcome = { kind: 'done', changesWeights: false };
const changed: StepOutcome = { kind: 'done', changesWeights: true };
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Feature transform for epoch `epoch` (1-based) of a train step: alternate = the model's own
 * features on odd epochs, inverted on even ones (the research code's hybrid_alt), so an even
 * count ends on the inversion that the evals after it use.
 */
export function epochFeature(step: StepOf<'train'>, epoch: number): FeatureTransform {
  if (!step.alternate) return step.feature;
  return epoch % 2 === 0 ? step.feature : MODEL_FEATURES;
}

/** With `repeat`, each seed saves its own file: `net.mfxw` becomes `net-seed2.mfxw`. */
export function savePathForSeed(file: string, seed: number, seedCount: number): string {
  if (seedCount <= 1) return file;
  const dot = file.lastIndexOf('.');
  const slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return dot > slash + 1 ? `${file.slice(0, dot)}-seed${seed}${file.slice(dot)}` : `${file}-seed${seed}`;
}

const train: StepRunner<'train'> = async (step, run) => {
  const { ctx, arm, seed, index: i, state } = run;
  const firstEpoch = state.step === i ? state.epochsDone + 1 : 1;
  const features =
    firstEpoch <= step.epochs
      ? await prepareFeatureCache(state.net, ctx.data.train, step.trainable, ctx.featureCacheBytes, run.warn, { store: ctx.featureCaches, arm, stepIndex: i, seed })
      : undefined;
  // A step that scores its epochs keeps its best epoch in the state (and so in the checkpoints
  // between its epochs), so --resume continues it where it stopped.
  const scoring = scoresEpochs(step) ? new EpochScoring(step, run) : null;
  for (let epoch = firstEpoch; epoch <= step.epochs; epoch++) {
    const outcome = await runEpoch(run, step, epoch, features, scoring);
    if (outcome.kind === 'aborted') return { kind: 'stopped' };
    if (outcome.kind === 'diverged') {
      const message = `diverged at epoch ${epoch} batch ${outcome.batch} (loss ${outcome.loss})`;
      writeArmCheckpoint(ctx, arm, seed, { ...state, step: i, epochsDone: epoch - 1 }, message);
      return { kind: 'diverged', message };
    }
    if (step.stateKey !== '') state.history[step.stateKey] = [...(state.history[step.stateKey] ?? []).slice(0, epoch - 1), outcome.meanLoss];
    if (epoch < step.epochs) writeArmCheckpoint(ctx, arm, seed, { ...state, step: i, epochsDone: epoch }, 'running');
  }
  await scoring?.finish();
  return changed;
};

const reset: StepRunner<'reset'> = async (step, { seed, index, state }) => {
  const params = networkParams(state.net);
  for (const name of step.params) {
    const spec = params.find((p) => p.name === name);
    if (!spec) throw new Error(`reset names unknown parameter ${name}`);
    const values = initialValues(spec, seed, resetPurpose(index));
    tf.tidy(() => state.net.params.get(name)!.assign(tf.tensor(values, spec.shape, 'float32')));
    state.optimizer.clear(name);
  }
  return changed;
};

// `head NAME`: a fresh dense stack on the shared features, initialised from the seed (its
// optimiser state starts empty, as for any parameter that has not trained yet).
const head: StepRunner<'head'> = async (step, { seed, state }) => {
  addHead(state.net, { name: step.name, layers: step.layers, params: step.params }, seed);
  for (const p of step.params) state.optimizer.clear(p.name);
  return changed;
};

const evalStep: StepRunner<'eval'> = async (step, { ctx, arm, seed, state }) => {
  for (const testSet of step.testSets) {
    const ref = ctx.plan.testSetRefs.find((t) => t.name === testSet);
    if (!ref) throw new Error(`eval names ${testSet}, which is not among the Plan's test sets`);
    // Test sets come from the Plan's seed, so every repeat is scored on the same images.
    const images = ctx.data.testSet(ref, ctx.plan.seed);
    const r = await evaluate(state.net, images, { feature: step.feature, on: step.on, heads: step.heads }, ctx.shardTeam);
    const record: EvalRecord = { arm: arm.name, seed, label: step.label, testSet, accuracy: r.accuracy, loss: r.loss, n: r.n, predicted: classCounts(r.predicted, state.net.spec.classes) };
    ctx.folder.writePredictions(record, r.predicted, images.labels);
    state.evals.push(record);
    ctx.emit({ type: 'eval-result', ...record });
    await yieldToEventLoop();
  }
  return unchanged;
};

// freeze, unfreeze, invert and lr: their effect is carried by the later train and eval steps
// (trainable, feature, lr), which the compiler resolved.
const carriedByLaterSteps = async (): Promise<StepOutcome> => unchanged;

export const STEP_RUNNERS: { [K in StepKind]: StepRunner<K> } = {
  train,
  reset,
  head,
  eval: evalStep,
  save: async (step, { ctx, arm, seed, index, state }) => {
    saveWeights(state.net, ctx.folder.savePath(savePathForSeed(step.path, seed, ctx.plan.seeds.length)), { arm: arm.name, seed, step: index });
    return unchanged;
  },
  load: async (step, { state }) => {
    loadWeights(state.net, step.path);
    return changed;
  },
  freeze: carriedByLaterSteps,
  unfreeze: carriedByLaterSteps,
  invert: carriedByLaterSteps,
  lr: carriedByLaterSteps,
};

/** Runs one step with the runner of its kind. */
export function runStep(step: StepSpec, run: StepRun): Promise<StepOutcome> {
  return (STEP_RUNNERS[step.kind] as StepRunner<StepKind>)(step as never, run);
}

async function runEpoch(run: StepRun, step: StepOf<'train'>, epoch: number, features: CachedFeatures | undefined, scoring: EpochScoring | null) {
  const { ctx, arm, seed, index: stepIndex, state } = run;
  const { emit, now, data } = ctx;
  const feature = epochFeature(step, epoch);
  const epochStart = now();
  let lastEvent = -Infinity;
  const outcome = await trainEpoch({
    net: state.net,
    optimizer: state.optimizer,
    data: data.train,
    batchSize: ctx.plan.batch,
    shards: ctx.plan.shards,
    team: ctx.shardTeam,
    trainable: step.trainable,
    feature,
    on: step.on,
    heads: step.heads,
    lr: step.lr,
    rates: step.rates,
    seed,
    stepIndex,
    epoch,
    signal: ctx.signal,
    features,
    onBatch: async (batch, batches, loss) => {
      const t = now();
      if (t - lastEvent >= ctx.batchEventIntervalMs) {
        lastEvent = t;
        const elapsedSec = (t - epochStart) / 1000;
        const images = Math.min(batch * ctx.plan.batch, data.train.n);
        emit({ type: 'batch', arm: arm.name, seed, step: stepIndex, epoch, epochs: step.epochs, batch, batches, loss, imagesPerSec: elapsedSec > 0 ? images / elapsedSec : 0, elapsedSec });
      }
      await yieldToEventLoop();
    },
  });
  if (outcome.kind === 'done') {
    const seconds = (now() - epochStart) / 1000;
    const imagesPerSec = seconds > 0 ? outcome.images / seconds : 0;
    const validation = await scoring?.afterEpoch(epoch);
    emit({
      type: 'epoch-end',
      arm: arm.name,
      seed,
      step: stepIndex,
      epoch,
      epochs: step.epochs,
      loss: outcome.meanLoss,
      seconds,
      imagesPerSec,
      inverted: invertedInView({ feature, on: step.on, heads: step.heads }) !== null,
      ...(validation !== undefined ? { validation } : {}),
    });
  }
  return outcome;
}
