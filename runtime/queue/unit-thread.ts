// A thread of `mfx worker`: runs the queue's units on its own tfjs engine, so that a CPU-bound
// epoch never blocks the main thread, which renews the jobs' locks with Redis. Its checkpoints,
// weights and `save` files go to the worker's store (STORE/runs/<run id>/, a run folder of its
// own); every unit starts from its checkpoint there when one exists, so a unit that another
// worker began (sharing the store) continues from its last completed epoch, and a unit that
// already finished returns its recorded result without computing again.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { initBackend } from '../backend/select.js';
import { loadRunData, type RunData } from '../run/run-data.js';
import { RunFolder, RunFolderError } from '../store/run-folder.js';
import { PrefixStore } from '../reuse/shared-prefix.js';
import { FeatureCacheStore } from '../reuse/feature-cache.js';
import type { ArmContext } from '../run/context.js';
import { inProcessRunner } from '../run/in-process.js';
import type { UnitResult } from '../run/runner.js';
import { serializeError } from '../run/workers/errors.js';
import type { FromUnitThread, ToUnitThread } from './thread-messages.js';
import type { ReturnedFile, UnitJob, UnitJobResult } from './job.js';
import { labelsPath, predictionsPath } from '../store/predictions-file.js';

const port = parentPort!;
const post = (m: FromUnitThread) => port.postMessage(m);
const featureCaches = new FeatureCacheStore();
let loaded: { key: string; data: RunData } | null = null;
let controller = new AbortController();

async function dataFor(job: UnitJob): Promise<RunData> {
  const key = JSON.stringify([job.plan.dataset, job.subset, job.plan.model.classes, job.plan.model.inputShape, job.plan.validation ?? 0]);
  if (loaded?.key !== key) loaded = { key, data: await loadRunData(job.plan.dataset, job.subset, job.plan.model, job.plan.validation) };
  return loaded.data;
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

/** The per-sample prediction files of the unit's evaluations, and their labels, to send back with the result. */
function predictionFiles(dir: string, result: UnitResult): ReturnedFile[] {
  const files = new Set<string>();
  for (const e of result.evals) files.add(predictionsPath(dir, e)).add(labelsPath(dir, e.testSet));
  return [...files].filter((f) => existsSync(f)).map((f) => ({ path: path.relative(dir, f).split(path.sep).join('/'), base64: readFileSync(f).toString('base64') }));
}

async function runUnit(job: UnitJob, store: string): Promise<UnitJobResult> {
  const active = await initBackend(job.backend);
  if (active.name !== job.backend) throw new Error(`this worker runs the ${active.name} backend, the run asks for ${job.backend}`);
  const ctx: ArmContext = {
    plan: job.plan,
    data: await dataFor(job),
    folder: storeFolder(store, job),
    emit: (event) => post({ type: 'event', event }),
    now: () => performance.now(),
    signal: controller.signal,
    resume: true, // start from the unit's checkpoint when there is one
    batchEventIntervalMs: job.batchEventIntervalMs,
    prefixes: new PrefixStore(),
    featureCacheBytes: job.featureCacheBytes,
    featureCaches,
    reuse: false, // a unit computes its shared prefix itself: units do not wait for each other
    stateCache: null,
  };
  let result: UnitResult | null = null;
  await inProcessRunner(ctx).run([job.unit], { event: ctx.emit, unitDone: (r) => (result = r) }, controller.signal);
  const done = result as UnitResult | null;
  if (!done) throw new Error(`unit (arm ${job.unit.arm}, seed ${job.unit.seed}) ended without a result`);
  return { ...done, files: predictionFiles(ctx.folder.dir, done) };
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
          post({ type: 'done', result: await runUnit(m.job, m.store) });
        })
        .catch((err) => post({ type: 'error', error: serializeError(err) }));
      break;
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
});
