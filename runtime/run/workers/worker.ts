// A --jobs worker thread: its own tfjs engine and backend (a worker has its own module
// instances; initBackend registers the wasm training kernels here too), the main thread's data
// in shared memory, and the in-process runner for the units it is handed. It writes only its arms' checkpoints, weights and cache
// entries (one file per arm and seed, written atomically); events go to the main thread, which
// alone appends to events.jsonl, writes results and feeds the reporters.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../../backend/select.js';
import { loadRunData, runDataFromShared } from '../run-data.js';
import { RunFolder } from '../../store/run-folder.js';
import { PrefixStore, type PrefixState } from '../../reuse/shared-prefix.js';
import { StateCache } from '../../reuse/state-cache.js';
import { FeatureCacheStore } from '../../reuse/feature-cache.js';
import type { ArmContext } from '../context.js';
import { inProcessRunner } from '../in-process.js';
import { serializeError } from './errors.js';
import type { FromWorker, ToWorker, WorkerSetup } from './messages.js';
import type { UnitResult } from '../runner.js';
import type { Unit } from '../units.js';

const setup = workerData as WorkerSetup;
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);
const controller = new AbortController();

/** Prefix states this thread computes go to the main thread, which hands them to the arm that needs them. */
class ForwardingPrefixStore extends PrefixStore {
  override put(seed: number, arm: string, state: PrefixState): void {
    post({ type: 'prefix', seed, arm, state });
  }

  /** A state received from the main thread, for the arm about to run here. */
  receive(seed: number, arm: string, state: PrefixState): void {
    super.put(seed, arm, state);
  }
}
const prefixes = new ForwardingPrefixStore();

async function start(): Promise<ArmContext> {
  await initBackend(setup.backend);
  const data = setup.data ? runDataFromShared(setup.data) : await loadRunData(setup.plan.dataset, setup.subset, setup.plan.model);
  return {
    plan: setup.plan,
    data,
    folder: RunFolder.open(setup.runDir, setup.plan),
    emit: (event) => post({ type: 'event', event }),
    now: () => performance.now(),
    signal: controller.signal,
    resume: setup.resume,
    batchEventIntervalMs: setup.batchEventIntervalMs,
    prefixes,
    featureCacheBytes: setup.featureCacheBytes,
    featureCaches: new FeatureCacheStore(),
    reuse: setup.reuse,
    stateCache: setup.cache ? new StateCache(setup.cache.dir, setup.cache.identity, setup.cache.limitBytes) : null,
  };
}

async function runTask(ctx: ArmContext, unit: Unit, prefix: PrefixState | null): Promise<void> {
  if (prefix) prefixes.receive(unit.seed, unit.arm, prefix);
  const sink = { event: ctx.emit, unitDone: (result: UnitResult) => post({ type: 'unit-done', result }) };
  await inProcessRunner(ctx).run([unit], sink, controller.signal);
}

const ready = start();
let work: Promise<void> = Promise.resolve();
port.on('message', (m: ToWorker) => {
  if (m.type === 'abort') controller.abort();
  else if (m.type === 'exit') port.close();
  else work = work.then(async () => runTask(await ready, m.unit, m.prefix)).catch((err) => post({ type: 'error', error: serializeError(err) }));
});
ready.then(
  () => post({ type: 'ready' }),
  (err) => post({ type: 'error', error: serializeError(err) }),
);
