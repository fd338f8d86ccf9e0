// Executes a Plan: every arm for every seed, steps in order, emitting the event stream and
// keeping the run folder (checkpoints, weights, results) up to date so that a crash loses at
// most the epoch in progress and `resume` continues from the last completed epoch.
import type { ArmSpec, FeatureTransform, Plan, StepSpec } from '../compiler/plan.js';
import type { RunEvent, Subset } from './events.js';
import { RESULTS_SCHEMA, RESULTS_VERSION, type EvalRecord, type Results } from './results.js';
import { initBackend, type BackendChoice } from './backend/select.js';
import { createNetwork, disposeNetwork, type Network } from './model/network.js';
import { initialValues, resetPurpose } from './model/init.js';
import { invertedActivation } from './model/feature-transform.js';
import { Optimizer } from './training/optimizer.js';
import { trainEpoch } from './training/train-epoch.js';
import { evaluate } from './evaluate.js';
import { buildTable } from './results-table.js';
import { RunFolder, RunFolderError } from './run-folder.js';
import { readCheckpoint, restoreCheckpoint, writeCheckpoint, type Checkpoint } from './checkpoint.js';
import { assignParams, loadWeights, readParams, saveWeights } from './weights-file.js';
import { armsWaitingFor, PrefixStore } from './shared-prefix.js';
import { TensorFileError } from './tensor-file.js';
import { describeStep, outlineArm } from './step-text.js';
import { loadRunData, runDataFromShared, type LoadRunData, type RunData } from './run-data.js';
import { DEFAULT_FEATURE_CACHE_BYTES, FeatureCacheStore, prepareFeatureCache, type CachedFeatures } from './feature-cache.js';
import { datasetIdentity, StateCache, type LossHistory } from './state-cache.js';
import { cacheableAt, findCachedPrefix } from './cached-prefix.js';
import { armTasks } from './parallel/units.js';
import { runInWorkers } from './parallel/pool.js';
import * as tf from '@tensorflow/tfjs-core';

export interface ExecuteOptions {
  backend: BackendChoice;
  runDir: string;
  /** Training/test subset; on resume it defaults to the one the run started with (a different one is refused). */
  subset?: Subset;
  /** Aborting abandons the epoch in progress; everything completed stays in the run folder. */
  signal?: AbortSignal;
  onEvent: (event: RunEvent) => void;
  resume?: boolean;
  /** Milliseconds, monotonic; injectable for tests. */
  now?: () => number;
  /** Where the images come from; tests inject small synthetic sets. */
  loadData?: LoadRunData;
  /**
   * The plan's dataset for `subset`, already loading (`loadRunData`, started by the caller before
   * this module and TensorFlow.js were imported); not for `resume`, whose subset is the run folder's.
   */
  dataLoading?: Promise<RunData>;
  /** Minimum milliseconds between batch events (default 100: at most 10 a second). */
  batchEventIntervalMs?: number;
  /** Bound on the frozen-feature cache in bytes (default 1 GiB; 0 turns the cache off). */
  featureCacheBytes?: number;
  /** Whether arms start from an earlier arm's state after a shared prefix (default true). */
  reuse?: boolean;
  /** Folder of the cross-run state cache (runtime/state-cache.ts); null or absent: no cache. */
  cacheDir?: string | null;
  /** Bound of the cross-run cache folder in bytes (default 1 GiB). */
  cacheLimitBytes?: number;
  /**
   * Worker threads running (seed, arm) tasks, each with its own backend (an arm taking a shared
   * prefix starts once another thread hands its state over); default 1. Only on the wasm and cpu backends, and not with `loadData`
   * (a function cannot cross threads): otherwise the run stays on this thread.
   */
  jobs?: number;
}

/** Why an arm stopped for one seed, when it did not finish. */
export type ArmOutcome = { kind: 'done' } | { kind: 'stopped' } | { kind: 'diverged'; message: string };

const MODEL_FEATURES: FeatureTransform = { kind: 'model' };

/** Feature transform for epoch `epoch` (1-based) of a train step: alternate = inverted on odd epochs. */
export function epochFeature(step: Extract<StepSpec, { kind: 'train' }>, epoch: number): FeatureTransform {
  if (!step.alternate) return step.feature;
  return epoch % 2 === 1 ? step.feature : MODEL_FEATURES;
}

// Steps in a shared prefix are computed by an earlier arm, so they are not counted again.
function trainImagesPerArm(arm: ArmSpec, n: number, reuse: boolean): number {
  return arm.steps.slice(reuse ? arm.sharedPrefix : 0).reduce((sum, s) => sum + (s.kind === 'train' ? s.epochs * n : 0), 0);
}

function sameSubset(a: Subset, b: Subset): boolean {
  return a.train === b.train && a.test === b.test;
}

function describeSubset(s: Subset): string {
  const part = (flag: string, v: number | null) => (v === null ? `no ${flag}` : `${flag} ${v}`);
  return `${part('--train-subset', s.train)}, ${part('--test-subset', s.test)}`;
}

/** Runs the plan and resolves to its results (status `stopped` when aborted). */
export async function executePlan(plan: Plan, options: ExecuteOptions): Promise<Results> {
  const now = options.now ?? (() => performance.now());
  const runStart = now();
  // The backend initialises (wasm compile, kernel registration) while the data loads (file
  // reads and gunzip run off the main thread): neither waits for the other.
  const backendReady = initBackend(options.backend);
  backendReady.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled

  // A resumed run keeps its folder, data subset and start time; a new one gets a fresh folder,
  // created only after the data loaded (so a data error leaves nothing behind).
  const opened = options.resume ? RunFolder.open(options.runDir, plan) : null;
  const subset: Subset = opened ? opened.info.subset : (options.subset ?? { train: null, test: null });
  if (opened && options.subset && !sameSubset(options.subset, subset)) {
    throw new RunFolderError(
      `Cannot resume ${options.runDir} with a different data subset: it was started with ${describeSubset(subset)}, this command asks for ${describeSubset(options.subset)}. Repeat the original flags or leave them out.`,
    );
  }
  const dataReady = (!opened && options.dataLoading) || (options.loadData ?? loadRunData)(plan.dataset, subset);
  dataReady.catch(() => {}); // awaited below, after the backend (whose errors come first)
  const active = await backendReady;
  let data = await dataReady;
  const startedAt = opened ? opened.info.startedAt : new Date().toISOString();
  const folder = opened ?? RunFolder.create(options.runDir, plan, { backend: active.name, subset, startedAt });

  const emit = (event: RunEvent): void => {
    folder.appendEvent(event);
    options.onEvent(event);
  };

  emit({
    type: 'run-start',
    time: new Date().toISOString(),
    title: plan.title,
    file: plan.file,
    planHash: plan.hash,
    backend: active.name,
    runDir: folder.dir,
    seeds: plan.seeds,
    arms: plan.arms.map(outlineArm),
    testSets: plan.testSets,
    subset,
    totalTrainImages: plan.seeds.length * plan.arms.reduce((sum, a) => sum + trainImagesPerArm(a, data.train.n, options.reuse ?? true), 0),
    resumed: options.resume ?? false,
    baselines: Object.fromEntries(plan.arms.map((a) => [a.name, a.baseline ? { arm: a.baseline.arm, label: a.baseline.label } : null])),
    reportLabels: Object.fromEntries(plan.arms.map((a) => [a.name, a.reportLabel])),
  });
  for (const notice of active.notices) emit({ type: 'warning', message: notice });
  if (options.resume && folder.info.backend !== active.name) {
    emit({
      type: 'warning',
      message: `this run started on the ${folder.info.backend} backend and continues on ${active.name}; results may differ slightly from an uninterrupted run`,
    });
  }

  const evals: EvalRecord[] = [];
  const status: Record<string, Record<string, string>> = {};
  const setStatus = (arm: string, seed: number, s: string) => {
    (status[arm] ??= {})[String(seed)] = s;
  };
  const results = (runStatus: Results['status']): Results => ({
    schema: RESULTS_SCHEMA,
    version: RESULTS_VERSION,
    title: plan.title,
    file: plan.file,
    planHash: plan.hash,
    backend: active.name,
    subset,
    seeds: plan.seeds,
    startedAt,
    seconds: (now() - runStart) / 1000,
    status: runStatus,
    evals: [...evals],
    table: buildTable(plan, evals, status),
  });

  const ctx: ArmContext = {
    plan,
    data,
    folder,
    emit,
    now,
    signal: options.signal,
    resume: options.resume ?? false,
    batchEventIntervalMs: options.batchEventIntervalMs ?? 100,
    prefixes: new PrefixStore(),
    featureCacheBytes: options.featureCacheBytes ?? DEFAULT_FEATURE_CACHE_BYTES,
    featureCaches: new FeatureCacheStore(),
    reuse: options.reuse ?? true,
    stateCache: options.cacheDir
      ? new StateCache(options.cacheDir, { backend: active.name, subset, dataset: datasetIdentity(data.train) }, options.cacheLimitBytes)
      : null,
  };
  let stopped = false;
  const jobs = options.jobs ?? 1;
  const threadable = active.name === 'wasm' || active.name === 'cpu';
  if (jobs > 1 && !threadable) emit({ type: 'warning', message: `--jobs ${jobs} ignored: the ${active.name} backend runs one arm at a time here (it uses its own threads)` });
  const tasks = jobs > 1 && threadable && !options.loadData ? armTasks(plan, ctx.reuse) : [];
  try {
    if (tasks.length > 1) {
      // Arms finish in any order; results list them in plan order, as a sequential run does.
      const finished = new Map<string, { outcome: ArmOutcome; armEvals: EvalRecord[] }>();
      const collect = () => {
        evals.length = 0;
        for (const seed of plan.seeds) {
          for (const arm of plan.arms) {
            const r = finished.get(`${seed}\u0000${arm.name}`);
            if (!r) continue;
            evals.push(...r.armEvals);
            setStatus(arm.name, seed, r.outcome.kind === 'done' ? 'done' : r.outcome.kind === 'stopped' ? 'stopped' : r.outcome.message);
          }
        }
      };
      // One copy of the images for every thread: workers map the main thread's shared arrays,
      // and the main thread drops its unshared ones.
      const shared = data.share?.(plan.testSets, plan.seed) ?? null;
      if (shared) ctx.data = data = runDataFromShared(shared);
      const setup = {
        plan,
        data: shared,
        backend: active.name,
        runDir: folder.dir,
        subset,
        resume: ctx.resume,
        batchEventIntervalMs: ctx.batchEventIntervalMs,
        featureCacheBytes: ctx.featureCacheBytes,
        reuse: ctx.reuse,
        cache: ctx.stateCache ? { dir: ctx.stateCache.dir, identity: ctx.stateCache.identity, limitBytes: ctx.stateCache.limitBytes } : null,
      };
      await runInWorkers(setup, tasks, jobs, options.signal, {
        onEvent: emit,
        onArmDone: (arm, seed, outcome, armEvals) => {
          finished.set(`${seed}\u0000${arm}`, { outcome, armEvals });
          collect();
          if (outcome.kind === 'stopped') stopped = true;
          else folder.writeResults(results('stopped'));
        },
      });
      if (options.signal?.aborted || finished.size < plan.seeds.length * plan.arms.length) stopped = true;
    }
    for (const seed of tasks.length > 1 ? [] : plan.seeds) {
      for (const arm of plan.arms) {
        if (options.signal?.aborted) {
          stopped = true;
          break;
        }
        const { outcome, armEvals } = await runArm(ctx, arm, seed);
        evals.push(...armEvals);
        setStatus(arm.name, seed, outcome.kind === 'done' ? 'done' : outcome.kind === 'stopped' ? 'stopped' : outcome.message);
        if (outcome.kind === 'stopped') {
          stopped = true;
          break;
        }
        // Partial results after every arm, marked `stopped` until the run completes.
        folder.writeResults(results('stopped'));
      }
      if (stopped) break;
    }
  } catch (err) {
    const failed = results('failed');
    folder.writeResults(failed);
    emit({ type: 'run-end', status: 'failed', seconds: failed.seconds, results: failed });
    throw err;
  }
  const final = results(stopped ? 'stopped' : 'done');
  folder.writeResults(final);
  emit({ type: 'run-end', status: final.status, seconds: final.seconds, results: final });
  return final;
}

export interface ArmContext {
  plan: Plan;
  data: RunData;
  folder: RunFolder;
  emit: (event: RunEvent) => void;
  now: () => number;
  signal?: AbortSignal;
  resume: boolean;
  batchEventIntervalMs: number;
  /** States at the end of shared prefixes, waiting for the later arms that start from them. */
  prefixes: PrefixStore;
  featureCacheBytes: number;
  /** The last frozen-feature cache, for the next arm that freezes the same layers. */
  featureCaches: FeatureCacheStore;
  reuse: boolean;
  /** Cross-run cache of states after train/reset steps; set to null after a failed write. */
  stateCache: StateCache | null;
}

function loadCheckpoint(ctx: ArmContext, arm: string, seed: number): Checkpoint | null {
  if (!ctx.resume) return null;
  const file = ctx.folder.checkpointFile(arm, seed);
  try {
    return readCheckpoint(file);
  } catch (err) {
    if (err instanceof TensorFileError) {
      throw new RunFolderError(
        `Cannot resume: the checkpoint ${file} ${err.reason}. Delete that file to rerun arm ${arm} (seed ${seed}) from its start, or start a new run without --resume.`,
      );
    }
    throw err;
  }
}

function stepStartEvent(arm: string, seed: number, index: number, step: StepSpec): RunEvent {
  return {
    type: 'step-start',
    arm,
    seed,
    step: index,
    kind: step.kind,
    text: describeStep(step),
    frozen: step.kind === 'train' ? step.frozen : [],
    inverted: step.kind === 'train' || step.kind === 'eval' || step.kind === 'invert' ? invertedActivation(step.feature) : null,
    epochs: step.kind === 'train' ? step.epochs : 0,
  };
}

/** With `repeat`, each seed saves its own file: `net.mfxw` becomes `net-seed2.mfxw`. */
export function savePathForSeed(file: string, seed: number, seedCount: number): string {
  if (seedCount <= 1) return file;
  const dot = file.lastIndexOf('.');
  const slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return dot > slash + 1 ? `${file.slice(0, dot)}-seed${seed}${file.slice(dot)}` : `${file}-seed${seed}`;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs (or continues) one arm for one seed. */
export async function runArm(ctx: ArmContext, arm: ArmSpec, seed: number): Promise<{ outcome: ArmOutcome; armEvals: EvalRecord[] }> {
  const { plan, data, folder, emit, now } = ctx;
  const ckpt = loadCheckpoint(ctx, arm.name, seed);
  if (ckpt && ckpt.meta.status !== 'running') {
    // Finished before the interruption: its numbers are in the checkpoint.
    emit({ type: 'arm-start', arm: arm.name, seed });
    const done = ckpt.meta.status === 'done';
    emit({ type: 'arm-end', arm: arm.name, seed, status: done ? 'done' : 'diverged', message: done ? undefined : ckpt.meta.status });
    return { outcome: done ? { kind: 'done' } : { kind: 'diverged', message: ckpt.meta.status }, armEvals: ckpt.meta.evals };
  }

  const net = createNetwork(plan.model, seed);
  const optimizer = new Optimizer(plan.optimizer);
  const armEvals: EvalRecord[] = [];
  // Training losses behind the current state, carried into checkpoints, prefixes and cache
  // entries, so that a step reused later still has its loss curve (report charts).
  const history: LossHistory = {};
  let startStep = 0;
  let epochsDone = 0;
  const ckptFile = folder.checkpointFile(arm.name, seed);
  if (ckpt) {
    restoreCheckpoint(ckpt, net, optimizer, ckptFile);
    startStep = ckpt.meta.nextStep;
    epochsDone = ckpt.meta.epochsDone;
    armEvals.push(...ckpt.meta.evals);
    Object.assign(history, ckpt.meta.history);
  }
  const checkpoint = (nextStep: number, epochs: number, status: string) =>
    writeCheckpoint(ckptFile, { planHash: plan.hash, arm: arm.name, seed, nextStep, epochsDone: epochs, status, evals: armEvals, history }, net, optimizer);
  const reusedStepEnd = (i: number, from: LossHistory | undefined): RunEvent => {
    const step = arm.steps[i];
    const losses = step.kind === 'train' && step.stateKey !== '' ? from?.[step.stateKey] : undefined;
    return { type: 'step-end', arm: arm.name, seed, step: i, seconds: 0, status: 'reused', ...(losses ? { losses } : {}) };
  };

  const prefix = ckpt || !ctx.reuse ? null : ctx.prefixes.take(seed, arm.name);
  if (prefix) {
    assignParams(net, prefix.params, `the shared prefix of arm ${arm.name}`);
    optimizer.restore(prefix.optimizer);
    startStep = prefix.steps;
    Object.assign(history, prefix.history);
  }

  emit({ type: 'arm-start', arm: arm.name, seed });
  if (prefix) {
    for (let i = 0; i < prefix.steps; i++) {
      const step = arm.steps[i];
      emit(stepStartEvent(arm.name, seed, i, step));
      emit(reusedStepEnd(i, prefix.history));
    }
    for (const record of prefix.evals) {
      const copy = { ...record, arm: arm.name };
      armEvals.push(copy);
      emit({ type: 'eval-result', ...copy });
    }
    checkpoint(startStep, 0, startStep === arm.steps.length ? 'done' : 'running');
  }
  const warn = (message: string) => emit({ type: 'warning', message, arm: arm.name, seed });
  let cached = ckpt || !ctx.stateCache ? null : findCachedPrefix(ctx.stateCache, arm, seed, startStep, (k) => ctx.reuse && armsWaitingFor(plan, arm, k).length > 0, warn);
  if (cached) {
    try {
      assignParams(net, cached.state.params, `a cache entry in ${ctx.stateCache!.dir}`); // checks every name and shape before assigning
    } catch (err) {
      if (!(err instanceof TensorFileError)) throw err;
      warn(`ignored ${err.file}: it ${err.reason}; recomputing instead`);
      cached = null;
    }
  }
  if (cached) {
    optimizer.restore(cached.state.optimizer);
    Object.assign(history, cached.state.history);
    for (let i = startStep; i < cached.steps; i++) {
      emit(stepStartEvent(arm.name, seed, i, arm.steps[i]));
      emit(reusedStepEnd(i, cached.state.history));
    }
    startStep = cached.steps;
    checkpoint(startStep, 0, startStep === arm.steps.length ? 'done' : 'running');
    for (const later of ctx.reuse ? armsWaitingFor(plan, arm, startStep) : []) {
      ctx.prefixes.put(seed, later.name, { steps: startStep, params: readParams(net), optimizer: optimizer.save(), evals: [...armEvals], history: { ...history } });
    }
  }
  try {
    for (let i = startStep; i < arm.steps.length; i++) {
      if (ctx.signal?.aborted) {
        emit({ type: 'arm-end', arm: arm.name, seed, status: 'stopped' });
        return { outcome: { kind: 'stopped' }, armEvals };
      }
      const step = arm.steps[i];
      const stepStart = now();
      emit(stepStartEvent(arm.name, seed, i, step));
      let changesWeights = false;
      switch (step.kind) {
        case 'train': {
          const firstEpoch = i === startStep ? epochsDone + 1 : 1;
          const features = firstEpoch <= step.epochs ? await prepareFeatureCache(net, data.train, step.trainable, ctx.featureCacheBytes, warn, { store: ctx.featureCaches, arm, stepIndex: i, seed }) : undefined;
          for (let epoch = firstEpoch; epoch <= step.epochs; epoch++) {
            const outcome = await runEpoch(ctx, net, optimizer, arm.name, seed, i, step, epoch, features);
            if (outcome.kind === 'aborted') {
              emit({ type: 'step-end', arm: arm.name, seed, step: i, seconds: (now() - stepStart) / 1000, status: 'stopped' });
              emit({ type: 'arm-end', arm: arm.name, seed, status: 'stopped' });
              return { outcome: { kind: 'stopped' }, armEvals };
            }
            if (outcome.kind === 'diverged') {
              const message = `diverged at epoch ${epoch} batch ${outcome.batch} (loss ${outcome.loss})`;
              checkpoint(i, epoch - 1, message);
              emit({ type: 'step-end', arm: arm.name, seed, step: i, seconds: (now() - stepStart) / 1000, status: 'diverged' });
              emit({ type: 'arm-end', arm: arm.name, seed, status: 'diverged', message });
              return { outcome: { kind: 'diverged', message }, armEvals };
            }
            if (step.stateKey !== '') history[step.stateKey] = [...(history[step.stateKey] ?? []).slice(0, epoch - 1), outcome.meanLoss];
            if (epoch < step.epochs) checkpoint(i, epoch, 'running');
          }
          changesWeights = true;
          break;
        }
        case 'reset':
          for (const name of step.params) {
            const spec = plan.model.params.find((p) => p.name === name);
            if (!spec) throw new Error(`reset names unknown parameter ${name}`);
            const values = initialValues(spec, seed, resetPurpose(i));
            tf.tidy(() => net.params.get(name)!.assign(tf.tensor(values, spec.shape, 'float32')));
            optimizer.clear(name);
          }
          changesWeights = true;
          break;
        case 'eval':
          for (const testSet of step.testSets) {
            // Test sets come from the Plan's seed, so every repeat is scored on the same images.
            const r = await evaluate(net, data.testSet(testSet, plan.seed), step.feature);
            const record: EvalRecord = { arm: arm.name, seed, label: step.label, testSet, accuracy: r.accuracy, loss: r.loss, n: r.n };
            armEvals.push(record);
            emit({ type: 'eval-result', ...record });
            await yieldToEventLoop();
          }
          break;
        case 'save':
          saveWeights(net, folder.savePath(savePathForSeed(step.path, seed, plan.seeds.length)), { arm: arm.name, seed, step: i });
          break;
        case 'load':
          loadWeights(net, step.path);
          changesWeights = true;
          break;
        case 'freeze':
        case 'unfreeze':
        case 'invert':
        case 'lr':
          // Their effect is carried by the later train and eval steps (trainable, feature, lr).
          break;
      }
      if (changesWeights) saveWeights(net, folder.weightsFile(arm.name, seed, i, step.kind), { arm: arm.name, seed, step: i });
      const last = i === arm.steps.length - 1;
      checkpoint(i + 1, 0, last ? 'done' : 'running');
      if (ctx.stateCache && cacheableAt(arm, i)) storeState(ctx, arm.name, seed, step.stateKey, net, optimizer, history);
      for (const later of ctx.reuse ? armsWaitingFor(plan, arm, i + 1) : []) {
        ctx.prefixes.put(seed, later.name, { steps: i + 1, params: readParams(net), optimizer: optimizer.save(), evals: [...armEvals], history: { ...history } });
      }
      emit({ type: 'step-end', arm: arm.name, seed, step: i, seconds: (now() - stepStart) / 1000, status: 'done' });
    }
    if (arm.steps.length === 0) checkpoint(0, 0, 'done');
    emit({ type: 'arm-end', arm: arm.name, seed, status: 'done' });
    return { outcome: { kind: 'done' }, armEvals };
  } finally {
    disposeNetwork(net);
    optimizer.dispose();
  }
}

/** Puts the state after a step into the cross-run cache; a failed write turns the cache off for the run, with a warning. */
function storeState(ctx: ArmContext, arm: string, seed: number, stateKey: string, net: Network, optimizer: Optimizer, history: LossHistory): void {
  const cache = ctx.stateCache;
  if (!cache || cache.has(stateKey, seed)) return;
  try {
    cache.put(stateKey, seed, { params: readParams(net), optimizer: optimizer.save(), history: { ...history } });
  } catch (err) {
    ctx.stateCache = null;
    ctx.emit({ type: 'warning', message: `cannot write to the cache folder ${cache.dir} (${(err as Error).message.split('\n')[0]}); this run continues without the cache`, arm, seed });
  }
}

async function runEpoch(
  ctx: ArmContext,
  net: Network,
  optimizer: Optimizer,
  arm: string,
  seed: number,
  stepIndex: number,
  step: Extract<StepSpec, { kind: 'train' }>,
  epoch: number,
  features?: CachedFeatures,
) {
  const { emit, now, data } = ctx;
  const feature = epochFeature(step, epoch);
  const epochStart = now();
  let lastEvent = -Infinity;
  const outcome = await trainEpoch({
    net,
    optimizer,
    data: data.train,
    batchSize: ctx.plan.batch,
    trainable: step.trainable,
    feature,
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
        emit({
          type: 'batch',
          arm,
          seed,
          step: stepIndex,
          epoch,
          epochs: step.epochs,
          batch,
          batches,
          loss,
          imagesPerSec: elapsedSec > 0 ? images / elapsedSec : 0,
          elapsedSec,
        });
      }
      await yieldToEventLoop();
    },
  });
  if (outcome.kind === 'done') {
    const seconds = (now() - epochStart) / 1000;
    emit({
      type: 'epoch-end',
      arm,
      seed,
      step: stepIndex,
      epoch,
      epochs: step.epochs,
      loss: outcome.meanLoss,
      seconds,
      imagesPerSec: seconds > 0 ? outcome.images / seconds : 0,
      inverted: feature.kind === 'inverted',
    });
  }
  return outcome;
}
