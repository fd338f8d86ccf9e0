// The queue UnitRunner (the coordinator's side of `mfx run --queue`): puts every unit on the
// BullMQ queue as one job (id from the run and the unit, so a unit added twice is one job),
// forwards the workers' progress messages as the run's events, and reports each unit's result
// once, however often it is delivered. A unit that failed for a user error (a missing `load`
// file, a bad subset) fails the run with that error, as a local run would; other failures are
// retried by BullMQ (ATTEMPTS), and a worker that dies mid-unit leaves its job to another worker,
// which continues from the unit's last checkpoint in its store. A unit's files (weights,
// checkpoint, predictions, `save` files) come back through Redis beside its result and are
// written into the run folder before the unit counts as done, so the folder is a local run's.
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { existsSync, readFileSync } from 'node:fs';
import type { Plan } from '../../compiler/plan.js';
import type { Subset } from '../events.js';
import type { BackendName } from '../backend/choices.js';
import type { UnitRunner, UnitSink, UnitResult } from '../run/runner.js';
import { unitKey, type Unit } from '../run/units.js';
import { deserializeError } from '../run/workers/errors.js';
import { decodeUserError, filesKey, JOB_VERSION, QUEUE_NAME, RESULT_TTL_S, unitJobId, type UnitJob, type UnitJobResult, type UnitProgress } from './job.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { sha256Hex } from '../store/predictions-file.js';
import type { RunFolder } from '../store/run-folder.js';
import { unitFiles } from './unit-files.js';
import { prefixKey } from './prefix-handover.js';
import { redisOptions, type QueueAddress } from './url.js';
import { closeAll, plainConnection, probeRedis, withTimeout } from './connect.js';

export { QueueUnreachableError } from './connect.js';

/** Attempts per unit for failures that are not user errors (a crash, a lost connection). */
export const ATTEMPTS = 3;

export interface QueueRunSetup {
  address: QueueAddress;
  runId: string;
  /** The coordinator's run folder, where the units' files go. */
  folder: RunFolder;
  /** Whether a local run with these options would reuse shared prefixes (then it writes no weights for the steps it takes over). */
  reuse: boolean;
  /** datasetIdentity of the training images this coordinator loaded: workers with other data leave the units. */
  datasetIdentity: string;
  /** Whether workers may use their own cross-run state cache (false under `mfx run --no-cache`). */
  cache: boolean;
  plan: Plan;
  subset: Subset;
  backend: BackendName;
  batchEventIntervalMs: number;
  featureCacheBytes: number;
  /** Milliseconds to wait for Redis before giving up with QueueUnreachableError (default 5000). */
  connectTimeoutMs?: number;
}

/** A unit failed on the queue: rejected by a worker, or out of attempts. */
export class QueueUnitError extends Error {
  constructor(
    readonly arm: string,
    readonly seed: number,
    readonly reason: string,
  ) {
    super(`arm ${arm}, seed ${seed}: ${reason}`);
    this.name = 'QueueUnitError';
  }
}

/**
 * Keeps the first result of each unit; later deliveries of the same unit (a retried job whose
 * first attempt also finished) are dropped. Returns whether `r` was the first.
 */
export function acceptOnce(finished: Map<string, UnitResult>, r: UnitResult): boolean {
  const k = unitKey(r.seed, r.arm);
  if (finished.has(k)) return false;
  finished.set(k, r);
  return true;
}

/**
 * Writes the files a worker sent with a unit's result into the run folder (only the unit's own
 * paths, each checked against its size and sha256), deletes them from Redis, and returns the
 * plain unit result and a warning for files that did not come back.
 */
async function unpack(client: Redis, jobId: string, r: UnitJobResult, setup: QueueRunSetup): Promise<{ result: UnitResult; warning: string | null }> {
  const { files, ...result } = r;
  if (!files || files.length === 0) return { result, warning: null };
  const key = filesKey(jobId);
  const stored = await client.hgetallBuffer(key);
  const wanted = unitFiles(setup.folder, setup.plan, result, setup.reuse);
  const lost: string[] = [];
  for (const f of files) {
    const target = wanted.get(f.path);
    if (!target) continue; // not a file a local run writes for this unit
    const data = stored[f.path];
    const fits = (d: Buffer | undefined): d is Buffer => d !== undefined && d.length === f.bytes && sha256Hex(d) === f.sha256;
    if (fits(data)) writeFileAtomic(target, data);
    else if (!fits(existsSync(target) ? readFileSync(target) : undefined)) lost.push(f.path); // a resumed run may have it already
  }
  await client.del(key);
  const warning = lost.length === 0 ? null : `${lost.length} of the unit's files did not come back from its worker (e.g. ${lost[0]}); they are in the worker's store, runs/${setup.runId}/`;
  return { result, warning };
}

/** A unit as a BullMQ job: its payload and options (id from the run and the unit, so it is added once). */
function unitJob(setup: QueueRunSetup, unit: Unit) {
  const data: UnitJob = {
    version: JOB_VERSION,
    runId: setup.runId,
    plan: setup.plan,
    subset: setup.subset,
    backend: setup.backend,
    unit,
    batchEventIntervalMs: setup.batchEventIntervalMs,
    featureCacheBytes: setup.featureCacheBytes,
    datasetIdentity: setup.datasetIdentity,
    reuse: setup.reuse,
    cache: setup.cache,
  };
  const opts = {
    jobId: unitJobId(setup.runId, unit, setup.plan),
    attempts: ATTEMPTS,
    backoff: { type: 'fixed', delay: 1000 },
    // Longest units first, so the last one to finish is short (BullMQ: lower runs first).
    priority: Math.max(1, 1000 - unit.epochs),
    removeOnComplete: { age: RESULT_TTL_S },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
  return { name: `${unit.arm}/seed-${unit.seed}`, data, opts };
}

export function queueRunner(setup: QueueRunSetup): UnitRunner {
  return { run: (units, sink, signal) => runOnQueue(setup, units, sink, signal) };
}

async function runOnQueue(setup: QueueRunSetup, units: Unit[], sink: UnitSink, signal?: AbortSignal): Promise<void> {
  await probeRedis(setup.address, setup.connectTimeoutMs);
  const connection = redisOptions(setup.address);
  const queue = new Queue(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  // ioredis reports connection trouble as 'error' events; without a listener Node would throw them.
  let lastError = '';
  queue.on('error', (e) => (lastError = e.message));
  events.on('error', (e) => (lastError = e.message));
  const { redis: client, closable } = plainConnection(setup.address, (e) => (lastError = e.message));
  const close = () => closeAll([events, queue, closable]);
  try {
    await withTimeout(Promise.all([queue.waitUntilReady(), events.waitUntilReady()]), setup.connectTimeoutMs ?? 5000, setup.address.shown, () => lastError);
    await new Promise<void>((resolve, reject) => {
      const byJob = new Map(units.map((u) => [unitJobId(setup.runId, u, setup.plan), u]));
      const finished = new Map<string, UnitResult>();
      const attempts = new Map<string, string>();
      let done = false;
      const finish = (err?: Error) => {
        if (done) return;
        done = true;
        signal?.removeEventListener('abort', onAbort);
        if (!err) return resolve();
        // A failed run leaves no work behind: its units not yet taken are withdrawn, its prefix states deleted.
        const states = units.map((u) => prefixKey(setup.runId, setup.plan, u.seed, u.arm));
        void Promise.allSettled([withdraw(), client.del(...states)]).then(() => reject(err));
      };
      const withdraw = () => Promise.allSettled([...byJob.keys()].map((id) => queue.remove(id)));
      const onAbort = () => {
        // Jobs not yet taken are withdrawn; units in progress finish on their workers, unread.
        void withdraw().then(() => finish());
      };
      let release: (seed: number, handedTo: string | null) => void = () => {};
      const leftSaid = new Set<string>();
      events.on('progress', ({ jobId, data }) => {
        const unit = byJob.get(jobId);
        if (!unit || done || typeof data !== 'object' || data === null) return;
        const p = data as unknown as UnitProgress;
        if ('handedOver' in p) return release(p.handedOver.seed, p.handedOver.arm);
        if ('left' in p) {
          // A worker left the unit on the queue for another; said once per reason.
          if (!leftSaid.has(p.left)) sink.event({ type: 'warning', message: `waiting for another worker: ${p.left}` });
          leftSaid.add(p.left);
          return;
        }
        const before = attempts.get(jobId);
        if (before !== undefined && before !== p.attempt) {
          sink.event({ type: 'warning', message: 'the unit restarted on another worker, from its last checkpoint', arm: unit.arm, seed: unit.seed });
        }
        attempts.set(jobId, p.attempt);
        sink.event(p.event);
      });
      // Results are taken one at a time (their files are fetched from Redis first), each unit's once.
      let taking: Promise<void> = Promise.resolve();
      const take = (jobId: string, r: UnitJobResult) => {
        taking = taking
          .then(async () => {
            if (done || finished.has(unitKey(r.seed, r.arm))) return void (await client.del(filesKey(jobId)));
            const { result, warning } = await unpack(client, jobId, r, setup);
            if (warning) sink.event({ type: 'warning', message: warning, arm: r.arm, seed: r.seed });
            if (acceptOnce(finished, result)) sink.unitDone(result);
            await client.del(prefixKey(setup.runId, setup.plan, r.seed, r.arm)); // its prefix state, if it had one, is used
            if (finished.size === units.length) finish();
            else release(r.seed, null);
          })
          .catch((err: Error) => finish(err));
      };
      events.on('completed', ({ jobId, returnvalue }) => {
        if (!byJob.has(jobId) || done) return;
        take(jobId, (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as UnitJobResult);
      });
      events.on('failed', ({ jobId, failedReason }) => {
        const unit = byJob.get(jobId);
        if (!unit || done) return;
        const user = decodeUserError(failedReason);
        if (user && user.name !== 'JobFormatError' && user.name !== 'PlanFormatError') return finish(deserializeError(user));
        const reason = user ? `a worker rejected the job (${user.message})` : `failed on the queue after ${ATTEMPTS} attempts: ${failedReason}`;
        finish(new QueueUnitError(unit.arm, unit.seed, reason));
      });
      signal?.addEventListener('abort', onAbort);
      // Units that start from a shared prefix go on the queue once their source handed the state
      // over (through Redis) or finished without one; the others go on at once. A job id
      // already on the queue (a resumed run's) is not added again: its result may be there
      // already (a resumed coordinator), or it failed before: retry it.
      const queued = new Set<string>();
      const enqueue = async (list: Unit[]) => {
        const fresh = list.filter((u) => !queued.has(unitJobId(setup.runId, u, setup.plan)));
        if (done || fresh.length === 0) return;
        for (const u of fresh) queued.add(unitJobId(setup.runId, u, setup.plan));
        const added = await queue.addBulk(fresh.map((unit) => unitJob(setup, unit)));
        for (const one of added) {
          const job = await queue.getJob(one.id!);
          const state = job ? await job.getState() : 'unknown';
          if (job && state === 'completed' && job.returnvalue) take(job.id!, job.returnvalue as UnitJobResult);
          else if (job && state === 'failed') await job.retry('failed');
        }
      };
      const waiting = (u: Unit) => !queued.has(unitJobId(setup.runId, u, setup.plan)) && !finished.has(unitKey(u.seed, u.arm));
      release = (seed, handedTo) => {
        const ready = units.filter((u) => u.seed === seed && waiting(u) && (u.arm === handedTo || u.prefixFrom.every((a) => finished.has(unitKey(seed, a)))));
        if (ready.length > 0) enqueue(ready).catch((err: Error) => finish(err));
      };
      (async () => {
        // A resumed run's held units whose job or prefix state is already there go on too.
        const resumed = await Promise.all(units.filter((u) => u.prefixFrom.length > 0).map(async (u) => ((await queue.getJob(unitJobId(setup.runId, u, setup.plan))) || (await client.exists(prefixKey(setup.runId, setup.plan, u.seed, u.arm))) ? u : null)));
        await enqueue([...units.filter((u) => u.prefixFrom.length === 0), ...resumed.filter((u): u is Unit => u !== null)]);
        taking = taking.then(() => {
          if (finished.size === units.length) finish();
          for (const seed of setup.plan.seeds) release(seed, null);
        });
      })().catch((err: Error) => finish(err));
      if (signal?.aborted) onAbort();
    });
  } finally {
    await close();
  }
}
