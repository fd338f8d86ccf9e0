// Executes a Plan: turns it into units (units.ts), runs them with a UnitRunner (runner.ts: on
// this thread, or on worker threads with --jobs), and turns the stream of events and unit
// results into the run folder (events.jsonl, results) and the caller's event callback. The run
// folder is kept up to date so that a crash loses at most the epoch in progress and `resume`
// continues from the last completed epoch.
import type { ArmSpec, Plan } from '../../compiler/plan.js';
import type { RunEvent, Subset } from '../events.js';
import { RESULTS_SCHEMA, RESULTS_VERSION, type EvalRecord, type Results } from '../results.js';
import { initBackend, type BackendChoice, type BackendName } from '../backend/select.js';
import { buildProtocolTable, type ProtocolTable } from '../results/protocol-table.js';
import { buildTable, headEvalLabels } from '../results/results-table.js';
import { outlineArm } from '../results/step-text.js';
import { RunFolder, RunFolderError } from '../store/run-folder.js';
import { PrefixStore } from '../reuse/shared-prefix.js';
import { DEFAULT_FEATURE_CACHE_BYTES, FeatureCacheStore } from '../reuse/feature-cache.js';
import { datasetIdentity, StateCache } from '../reuse/state-cache.js';
import { loadRunData, runDataFromShared, type LoadRunData, type RunData } from './run-data.js';
import type { ArmContext } from './context.js';
import { planUnits, unitKey } from './units.js';
import { runUnits, type UnitResult, type UnitRunner } from './runner.js';
import { inProcessRunner } from './in-process.js';
import { workerRunner } from './workers/pool.js';
import { threadUse } from './threads.js';
import { startShardTeam, type ClosableTeam } from './shards/team.js';
import { MAX_SLOT_BYTES, slotBytes } from './shards/shard-memory.js';
import type { QueueAddress } from '../queue/url.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import path from 'node:path';

export type { ArmOutcome } from './runner.js';
export { epochFeature, savePathForSeed } from './steps.js';

export interface ExecuteOptions {
  backend: BackendChoice;
  runDir: string;
  /** Training/test subset; on resume it defaults to the one the run started with (a different one is refused). */
  subset?: Subset;
  /** Aborting abandons the epoch in progress; everything completed stays in the run folder. */
  signal?: AbortSignal;
  onEvent: (event: RunEvent) => void;
  resume?: boolean;
  now?: () => number; // milliseconds, monotonic; injectable for tests
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
  /** Folder of the cross-run state cache (runtime/reuse/state-cache.ts); null or absent: no cache. */
  cacheDir?: string | null;
  /** Bound of the cross-run cache folder in bytes (default 1 GiB). */
  cacheLimitBytes?: number;
  /**
   * Threads the run may use, each with its own backend (default 1), as threads.ts decides:
   * (seed, arm) units side by side on worker threads when at least this many can start at once
   * (an arm taking a shared prefix starts once another thread hands its state over), else the
   * shards of each full-network batch on helper threads. Only on the wasm and cpu backends, and
   * not with `loadData` (a function cannot cross threads): otherwise the run stays on this thread.
   * Results do not depend on it.
   */
  jobs?: number;
  /**
   * Tests: start training only once every shard helper thread is up, and leave every shard
   * offered to a helper to the helpers (by default training starts at once, the helpers join
   * when ready, and this thread takes back shards no helper has reached). The helpers' part is
   * then fixed rather than a matter of timing; the bits are the same either way.
   */
  strictThreads?: boolean;
  /**
   * Run the units on a BullMQ queue (runtime/queue/coordinator.ts) instead of here: workers
   * (`mfx worker`) take them. `runId` names the run's jobs and its folder in the workers' stores.
   * Shared prefixes are handed over through Redis (runtime/queue/prefix-handover.ts).
   */
  queue?: { address: QueueAddress; runId: string };
}

// Steps in a shared prefix are computed by an earlier arm, so they are not counted again.
/** run-start's `headLabels`: present only when some arm has labelled head evaluations, so first-wave event streams stay as they were. */
function headLabelsOf(plan: Plan): { headLabels?: Record<string, string[]> } {
  const entries = plan.arms.map((a) => [a.name, headEvalLabels(a)] as const).filter(([, labels]) => labels.length > 0);
  return entries.length > 0 ? { headLabels: Object.fromEntries(entries) } : {};
}

function trainImagesPerArm(arm: ArmSpec, n: number, reuse: boolean): number {
  return arm.steps.slice(reuse ? arm.sharedPrefix : 0).reduce((sum, s) => sum + (s.kind === 'train' ? s.epochs * n : 0), 0);
}

function sameSubset(a: Subset, b: Subset): boolean {
  return a.train === b.train && a.test === b.test;
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
    throw new RunFolderError({ kind: 'other-subset', dir: options.runDir, started: subset, requested: options.subset });
  }
  const dataReady = (!opened && options.dataLoading) || (options.loadData ?? loadRunData)(plan.dataset, subset, plan.model, plan.validation);
  dataReady.catch(() => {}); // awaited below, after the backend (whose errors come first)
  const active = await backendReady;
  let data = await dataReady;
  const startedAt = opened ? opened.info.startedAt : new Date().toISOString();
  const folder = opened ?? RunFolder.create(options.runDir, plan, { backend: active.name, subset, startedAt });

  // A queued run records its id on the queue (never the address: it may carry a password), so --resume reattaches.
  if (options.queue && !opened) writeFileAtomic(path.join(folder.dir, 'queue.json'), `${JSON.stringify({ runId: options.queue.runId })}\n`);

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
    ...headLabelsOf(plan),
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
    ...protocolOf(plan, evals),
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
  const jobs = options.jobs ?? 1;
  const threadable = active.name === 'wasm' || active.name === 'cpu';
  if (jobs > 1 && !threadable && !options.queue) emit({ type: 'warning', message: `${jobs} worker threads were asked for, but the ${active.name} backend runs one arm at a time here (it uses its own threads)` });
  const units = planUnits(plan, ctx.reuse);
  // Threads need the data in shared memory, which injected data (`loadData`) does not offer.
  const use = threadable && !options.loadData ? threadUse(units, jobs, plan.shards) : { armThreads: 0, shardHelpers: 0 };
  const inWorkers = use.armThreads > 1;
  let team: ClosableTeam | null = null;
  let runner: UnitRunner;
  if (options.queue) {
    // Loaded only here: BullMQ and its Redis client are for queued runs alone.
    const { queueRunner } = await import('../queue/coordinator.js');
    runner = queueRunner({
      ...options.queue,
      folder,
      reuse: options.reuse ?? true,
      datasetIdentity: datasetIdentity(data.train),
      cache: Boolean(options.cacheDir),
      plan,
      subset,
      backend: active.name,
      batchEventIntervalMs: ctx.batchEventIntervalMs,
      featureCacheBytes: ctx.featureCacheBytes,
    });
  } else if (inWorkers) {
    // One copy of the images for every thread: workers map the main thread's shared arrays,
    // and the main thread drops its unshared ones.
    const shared = data.share?.(plan.testSetRefs, plan.seed) ?? null;
    if (shared) ctx.data = data = runDataFromShared(shared);
    runner = workerRunner(
      {
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
      },
      jobs,
    );
  } else {
    if (use.shardHelpers > 0 && !options.queue && slotBytes(plan.model, plan.shards) <= MAX_SLOT_BYTES) {
      const shared = data.share?.(plan.testSetRefs, plan.seed) ?? null;
      if (shared) {
        ctx.data = data = runDataFromShared(shared);
        ctx.shardTeam = team = startShardTeam({ backend: active.name as BackendName, spec: plan.model, train: data.train, helpers: use.shardHelpers, shards: plan.shards, batch: plan.batch, takeBack: !options.strictThreads, adaptive: !options.strictThreads });
        if (options.strictThreads) {
          const starting = team;
          await starting.ready().catch(async (err) => {
            await starting.close();
            throw err;
          });
        }
      }
    }
    runner = inProcessRunner(ctx);
  }
  // Units finish in any order; results list them in plan order, as a sequential run does.
  const finished = new Map<string, UnitResult>();
  let stopped = false;
  try {
    await runUnits(
      units,
      runner,
      {
        event: emit,
        unitDone: (r) => {
          finished.set(unitKey(r.seed, r.arm), r);
          evals.length = 0;
          for (const u of units) {
            const done = finished.get(unitKey(u.seed, u.arm));
            if (!done) continue;
            evals.push(...done.evals);
            setStatus(u.arm, u.seed, done.outcome.kind === 'diverged' ? done.outcome.message : done.outcome.kind);
          }
          if (r.outcome.kind === 'stopped') stopped = true;
          // Partial results after every unit, marked `stopped` until the run completes.
          else folder.writeResults(results('stopped'));
        },
      },
      options.signal,
    );
    if (finished.size < units.length) stopped = true;
  } catch (err) {
    await team?.close();
    const failed = results('failed');
    folder.writeResults(failed);
    emit({ type: 'run-end', status: 'failed', seconds: failed.seconds, results: failed });
    throw err;
  }
  await team?.close();
  const final = results(stopped ? 'stopped' : 'done');
  folder.writeResults(final);
  emit({ type: 'run-end', status: final.status, seconds: final.seconds, results: final });
  return final;
}

/** `protocol` for results.json, only when some arm scores its epochs. */
function protocolOf(plan: Plan, evals: EvalRecord[]): { protocol?: ProtocolTable } {
  const protocol = buildProtocolTable(plan, evals);
  return protocol ? { protocol } : {};
}
