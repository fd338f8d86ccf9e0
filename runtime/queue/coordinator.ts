// The queue UnitRunner (the coordinator's side of `mfx run --queue`): puts every unit on the
// BullMQ queue as one job (id from the run and the unit, so a unit added twice is one job),
// forwards the workers' progress messages as the run's events, and reports each unit's result
// once, however often it is delivered. A unit that failed for a user error (a missing `load`
// file, a bad subset) fails the run with that error, as a local run would; other failures are
// retried by BullMQ (ATTEMPTS), and a worker that dies mid-unit leaves its job to another worker,
// which continues from the unit's last checkpoint in its store.
import { Queue, QueueEvents } from 'bullmq';
import type { Plan } from '../../compiler/plan.js';
import type { Subset } from '../events.js';
import type { BackendName } from '../backend/choices.js';
import type { UnitRunner, UnitSink, UnitResult } from '../run/runner.js';
import { unitKey, type Unit } from '../run/units.js';
import { deserializeError } from '../run/workers/errors.js';
import { decodeUserError, JOB_VERSION, QUEUE_NAME, safeReturnedPath, unitJobId, type UnitJob, type UnitJobResult, type UnitProgress } from './job.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import path from 'node:path';
import { redisOptions, type QueueAddress } from './url.js';
import { closeAll, probeRedis, withTimeout } from './connect.js';

export { QueueUnreachableError } from './connect.js';

/** Attempts per unit for failures that are not user errors (a crash, a lost connection). */
export const ATTEMPTS = 3;

export interface QueueRunSetup {
  address: QueueAddress;
  runId: string;
  /** The coordinator's run folder, where the units' prediction files go. */
  runDir: string;
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

/** Writes the prediction files a worker sent into the run folder, and returns the plain unit result. */
function unpack(r: UnitJobResult, runDir: string): UnitResult {
  const { files, ...result } = r;
  for (const f of files ?? []) {
    if (safeReturnedPath(f.path)) writeFileAtomic(path.join(runDir, f.path), Buffer.from(f.base64, 'base64'));
  }
  return result;
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
  const close = () => closeAll([events, queue]);
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
        // A failed run leaves no work behind: its units not yet taken are withdrawn.
        void withdraw().then(() => reject(err));
      };
      const withdraw = () => Promise.allSettled([...byJob.keys()].map((id) => queue.remove(id)));
      const onAbort = () => {
        // Jobs not yet taken are withdrawn; units in progress finish on their workers, unread.
        void withdraw().then(() => finish());
      };
      events.on('progress', ({ jobId, data }) => {
        const unit = byJob.get(jobId);
        if (!unit || done || typeof data !== 'object' || data === null) return;
        const p = data as unknown as UnitProgress;
        const before = attempts.get(jobId);
        if (before !== undefined && before !== p.attempt) {
          sink.event({ type: 'warning', message: 'the unit restarted on another worker, from its last checkpoint', arm: unit.arm, seed: unit.seed });
        }
        attempts.set(jobId, p.attempt);
        sink.event(p.event);
      });
      events.on('completed', ({ jobId, returnvalue }) => {
        if (!byJob.has(jobId) || done) return;
        const r = (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as UnitJobResult;
        if (!finished.has(unitKey(r.seed, r.arm)) && acceptOnce(finished, unpack(r, setup.runDir))) sink.unitDone(finished.get(unitKey(r.seed, r.arm))!);
        if (finished.size === units.length) finish();
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
      // Every unit goes on the queue at once: a worker computes a shared prefix itself (queue
      // units start from scratch or from their own checkpoint), so no unit waits for another.
      const jobs = units.map((unit) => {
        const data: UnitJob = {
          version: JOB_VERSION,
          runId: setup.runId,
          plan: setup.plan,
          subset: setup.subset,
          backend: setup.backend,
          unit,
          batchEventIntervalMs: setup.batchEventIntervalMs,
          featureCacheBytes: setup.featureCacheBytes,
        };
        return {
          name: `${unit.arm}/seed-${unit.seed}`,
          data,
          opts: {
            jobId: unitJobId(setup.runId, unit, setup.plan),
            attempts: ATTEMPTS,
            backoff: { type: 'fixed', delay: 1000 },
            // Longest units first, so the last one to finish is short (BullMQ: lower runs first).
            priority: Math.max(1, 1000 - unit.epochs),
            removeOnComplete: { age: 24 * 3600 },
            removeOnFail: { age: 7 * 24 * 3600 },
          },
        };
      });
      queue.addBulk(jobs).then(
        async (added) => {
          // A job id already on the queue (a resumed run's) is not added again:
          // its result may be there already (a resumed coordinator), or it failed before: retry it.
          for (const added1 of added) {
            const job = await queue.getJob(added1.id!);
            const state = job ? await job.getState() : 'unknown';
            if (job && state === 'completed' && job.returnvalue) {
              const r = job.returnvalue as UnitJobResult;
              if (!finished.has(unitKey(r.seed, r.arm)) && acceptOnce(finished, unpack(r, setup.runDir))) sink.unitDone(finished.get(unitKey(r.seed, r.arm))!);
            } else if (job && state === 'failed') {
              await job.retry('failed');
            }
          }
          if (finished.size === units.length) finish();
        },
        (err: Error) => finish(err),
      );
      if (signal?.aborted) onAbort();
    });
  } finally {
    await close();
  }
}
