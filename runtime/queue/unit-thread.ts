// A thread of `mfx worker`: runs the queue's units on its own tfjs engine, so that a CPU-bound
// epoch never blocks the main thread, which renews the jobs' locks with Redis. Its checkpoints,
// weights and `save` files go to the worker's store (STORE/runs/<run id>/, a run folder of its
// own); every unit starts from its checkpoint there when one exists, so a unit that another
// worker began (sharing the store) continues from its last completed epoch, and a unit that
// already finished returns its recorded result without computing again. Before a unit runs, the
// thread checks that this worker can run it (backend, dataset, `load` files); when it cannot, it
// says why and the worker leaves the unit on the queue for another.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { initBackend } from '../backend/select.js';
import { loadRunData, type RunData } from '../run/run-data.js';
import { RunFolder, RunFolderError } from '../store/run-folder.js';
import { PrefixStore, type PrefixState } from '../reuse/shared-prefix.js';
import { FeatureCacheStore } from '../reuse/feature-cache.js';
import type { ArmContext } from '../run/context.js';
import { inProcessRunner } from '../run/in-process.js';
import type { UnitResult } from '../run/runner.js';
import { serializeError } from '../run/workers/errors.js';
import type { FromUnitThread, ToUnitThread, UnitThreadResult, WorkerCache } from './thread-messages.js';
import type { UnitJob } from './job.js';
import { readUnitFiles } from './unit-files.js';
import type { PrefixHandover } from './prefix-handover.js';
import { labelsPath, predictionsPath } from '../store/predictions-file.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { BackendError } from '../backend/errors.js';
import { DataError } from '../data/errors.js';
import { datasetIdentity, StateCache } from '../reuse/state-cache.js';

const port = parentPort!;
const post = (m: FromUnitThread) => port.postMessage(m);
const featureCaches = new FeatureCacheStore();
let loaded: { key: string; data: RunData; identity: string } | null = null;
let controller = new AbortController();

async function dataFor(job: UnitJob): Promise<{ data: RunData; identity: string }> {
  const key = JSON.stringify([job.plan.dataset, job.subset, job.plan.model.classes, job.plan.model.inputShape, job.plan.validation ?? 0]);
  if (loaded?.key !== key) {
    loaded = null; // a failed load is tried again with the next unit (the files may have appeared)
    const data = await loadRunData(job.plan.dataset, job.subset, job.plan.model, job.plan.validation);
    loaded = { key, data, identity: datasetIdentity(data.train) };
  }
  return loaded;
}

/**
 * Why this worker cannot run the job's unit, or null when it can: the backend does not start
 * here, a `load` file of the arm is missing, or the dataset is missing, unreadable or not the
 * coordinator's (which loaded it without error, so the problem is this machine's copy).
 */
async function cannotRun(job: UnitJob): Promise<string | null> {
  try {
    const active = await initBackend(job.backend);
    if (active.name !== job.backend) return `this worker runs the ${active.name} backend, the run asks for ${job.backend}`;
  } catch (err) {
    if (err instanceof BackendError) return `the ${job.backend} backend does not start here (${err.message.split('\n')[0]})`;
    throw err;
  }
  const arm = job.plan.arms.find((a) => a.name === job.unit.arm);
  for (const step of arm?.steps ?? []) {
    if (step.kind === 'load' && !existsSync(step.path)) return `the load file ${step.path} is not here`;
  }
  try {
    const { identity } = await dataFor(job);
    if (identity !== job.datasetIdentity) loaded = null; // read again next time: the files may be replaced
    if (identity !== job.datasetIdentity) return `the dataset ${datasetName(job)} here differs from the coordinator's (other training images)`;
  } catch (err) {
    if (err instanceof DataError) return `the dataset ${datasetName(job)} is not here: ${err.message.split('\n')[0]}`;
    throw err;
  }
  return null;
}

function datasetName(job: UnitJob): string {
  const d = job.plan.dataset;
  return d.kind === 'mnist' ? 'mnist' : `${d.kind} "${d.dir}"`;
}

/** The run's folder in the store, made by whichever worker gets there first. */
function storeFolder(store: string, job: UnitJob): RunFolder {
  const dir = path.join(store, 'runs', job.runId);
  if (existsSync(path.join(dir, 'plan.json'))) return RunFolder.open(dir, job.plan);
  try {
    return RunFolder.create(dir, job.plan, { backend: job.backend, subset: job.subset, startedAt: new Date().toISOString() });
  } catch (err) {
    if (err instanceof RunFolderError && err.problem.kind === 'holds-a-run') return RunFolder.open(dir, job.plan);
    throw err;
  }
}

/** The prediction files of a prefix's evaluations (and their labels) in `folder`, by relative path. */
function prefixFiles(folder: RunFolder, evals: PrefixState['evals']): Map<string, string> {
  const files = evals.flatMap((e) => [predictionsPath(folder.dir, e), labelsPath(folder.dir, e.testSet)]);
  return new Map(files.map((f) => [path.relative(folder.dir, f).split(path.sep).join('/'), f]));
}

/** Prefix states this unit computes go to the worker's main thread (and Redis), for the later arms that start from them. */
class ForwardingPrefixStore extends PrefixStore {
  constructor(private readonly folder: RunFolder) {
    super();
  }

  override put(seed: number, arm: string, state: PrefixState): void {
    const files = [...prefixFiles(this.folder, state.evals)].filter(([, abs]) => existsSync(abs)).map(([rel, abs]) => ({ path: rel, data: readFileSync(abs) }));
    post({ type: 'prefix', seed, arm, handover: { state, files } });
  }

  /** A state handed to the unit about to run: its source's prediction files go into the folder first (copyPredictions reads them). */
  receive(seed: number, arm: string, h: PrefixHandover): void {
    const wanted = prefixFiles(this.folder, h.state.evals);
    for (const f of h.files) {
      const target = wanted.get(f.path);
      if (target && !existsSync(target)) writeFileAtomic(target, f.data);
    }
    super.put(seed, arm, h.state);
  }
}

async function runUnit(job: UnitJob, store: string, prefix: PrefixHandover | null, cache: WorkerCache | null): Promise<UnitThreadResult> {
  const folder = storeFolder(store, job);
  const prefixes = new ForwardingPrefixStore(folder);
  if (prefix) prefixes.receive(job.unit.seed, job.unit.arm, prefix);
  const { data, identity } = await dataFor(job);
  const ctx: ArmContext = {
    plan: job.plan,
    data,
    folder,
    emit: (event) => post({ type: 'event', event }),
    now: () => performance.now(),
    signal: controller.signal,
    resume: true, // start from the unit's checkpoint when there is one
    batchEventIntervalMs: job.batchEventIntervalMs,
    prefixes,
    featureCacheBytes: job.featureCacheBytes,
    featureCaches,
    reuse: job.reuse, // hands its shared prefixes on, and starts from one handed to it
    // This machine's cross-run cache, when the run allows one (as `mfx run` without --no-cache):
    // a unit starts from a state this worker trained in an earlier run, bit for bit the same.
    stateCache: job.cache && cache ? new StateCache(cache.dir, { backend: job.backend, subset: job.subset, dataset: identity }, cache.limitBytes) : null,
  };
  let result: UnitResult | null = null;
  await inProcessRunner(ctx).run([job.unit], { event: ctx.emit, unitDone: (r) => (result = r) }, controller.signal);
  const done = result as UnitResult | null;
  if (!done) throw new Error(`unit (arm ${job.unit.arm}, seed ${job.unit.seed}) ended without a result`);
  return { result: done, files: readUnitFiles(ctx.folder, job.plan, done) };
}

let work: Promise<void> = Promise.resolve();
port.on('message', (m: ToUnitThread) => {
  switch (m.type) {
    case 'abort':
      controller.abort();
      break;
    case 'exit':
      port.close();
      break;
    case 'unit':
      work = work
        .then(async () => {
          controller = new AbortController();
          const reason = await cannotRun(m.job);
          if (reason) return post({ type: 'cannot-run', reason });
          post({ type: 'running' });
          post({ type: 'done', ...(await runUnit(m.job, m.store, m.prefix, m.cache)) });
        })
        .catch((err) => post({ type: 'error', error: serializeError(err) }));
      break;
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
});
