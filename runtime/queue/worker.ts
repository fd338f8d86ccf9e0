// `mfx worker`'s engine: a BullMQ worker on the main thread, which only takes jobs, validates
// them, relays progress and keeps the jobs' locks renewed, and one unit thread per job slot
// (unit-thread.ts) that does the training. A job that fails validation or fails for a user error
// is failed for good (UnrecoverableError: retrying cannot help); any other failure is retried
// by BullMQ, and a worker that dies leaves its jobs' locks to expire, after which another worker
// takes them (stalled-job check).
import { Worker as ThreadWorker } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { serializeError } from '../run/workers/errors.js';
import type { SerializedError } from '../run/workers/messages.js';
import { encodeUserError, QUEUE_NAME, USER_ERROR_NAMES, type UnitJob, type UnitJobResult, type UnitProgress } from './job.js';
import type { FromUnitThread, ToUnitThread } from './thread-messages.js';
import { redisOptions, type QueueAddress } from './url.js';
import { closeAll, probeRedis, withTimeout } from './connect.js';

const ENTRY = new URL(import.meta.url.endsWith('.ts') ? './unit-thread-entry.mjs' : './unit-thread.js', import.meta.url);

export interface QueueWorkerOptions {
  address: QueueAddress;
  /** Units run at once (one thread each). */
  jobs: number;
  /** Folder for checkpoints, weights and `save` files; shared between workers to resume each other's units. */
  store: string;
  /** A job's lock lasts this long unless renewed (renewed every half); a dead worker's units wait this long plus one check. */
  lockMs: number;
  /** Checks a payload (throws when it is not a valid unit job). */
  validate: (data: unknown) => UnitJob;
  /** One line for the person running the worker (never carries the payload or credentials). */
  log: (line: string) => void;
}

export interface QueueWorker {
  /** Stops taking jobs, lets the running ones finish, and ends the threads. */
  close(): Promise<void>;
  /** Stops at once: running units are abandoned (their jobs go to other workers). */
  kill(): Promise<void>;
}

/** One thread, reused for unit after unit (its backend and data stay loaded). */
class Slot {
  private thread: ThreadWorker;
  private current: { onEvent: (e: FromUnitThread) => void } | null = null;

  constructor() {
    this.thread = this.start();
  }

  private start(): ThreadWorker {
    const t = new ThreadWorker(ENTRY);
    t.on('message', (m: FromUnitThread) => this.current?.onEvent(m));
    t.on('error', (err) => this.current?.onEvent({ type: 'error', error: serializeError(err) }));
    t.on('exit', () => {
      if (this.current) this.current.onEvent({ type: 'error', error: { name: 'Error', message: 'the unit thread exited' } });
      if (this.thread === t) this.thread = this.start();
    });
    return t;
  }

  run(job: UnitJob, store: string, onEvent: (event: FromUnitThread & { type: 'event' }) => void): Promise<UnitJobResult> {
    return new Promise((resolve, reject) => {
      this.current = {
        onEvent: (m) => {
          if (m.type === 'event') return onEvent(m);
          this.current = null;
          if (m.type === 'done') resolve(m.result);
          else reject(m.error);
        },
      };
      const msg: ToUnitThread = { type: 'unit', job, store };
      this.thread.postMessage(msg);
    });
  }

  async end(): Promise<void> {
    const t = this.thread;
    this.thread = null as unknown as ThreadWorker; // no restart
    await t.terminate();
  }
}

function failure(e: SerializedError): Error {
  return USER_ERROR_NAMES.has(e.name) ? new UnrecoverableError(encodeUserError(e)) : new Error(`${e.name}: ${e.message}`);
}

export async function startQueueWorker(o: QueueWorkerOptions): Promise<QueueWorker> {
  await probeRedis(o.address);
  const free: Slot[] = Array.from({ length: o.jobs }, () => new Slot());
  const all = [...free];
  const processor = async (job: Job): Promise<UnitJobResult> => {
    let payload: UnitJob;
    try {
      payload = o.validate(job.data);
    } catch (err) {
      o.log(`rejected job ${job.id}: ${(err as Error).message}`);
      throw new UnrecoverableError(encodeUserError({ ...serializeError(err), name: 'JobFormatError' }));
    }
    const slot = free.pop();
    if (!slot) throw new Error('no free unit thread'); // BullMQ's concurrency equals the slots
    const attempt = randomUUID();
    const { arm, seed } = payload.unit;
    o.log(`unit ${arm}, seed ${seed} (run ${payload.runId}): started`);
    // Progress messages go out one after another, and all of them before the result.
    let sent: Promise<unknown> = Promise.resolve();
    try {
      const result = await slot.run(payload, o.store, ({ event }) => {
        const p: UnitProgress = { attempt, event };
        sent = sent.then(() => job.updateProgress(p as unknown as object)).catch(() => {});
      });
      await sent;
      o.log(`unit ${arm}, seed ${seed} (run ${payload.runId}): ${result.outcome.kind}`);
      return result;
    } catch (err) {
      await sent;
      const e = err as SerializedError;
      o.log(`unit ${arm}, seed ${seed} (run ${payload.runId}): failed (${e.name}: ${e.message.split('\n')[0]})`);
      throw failure(e);
    } finally {
      free.push(slot);
    }
  };
  const worker = new Worker(QUEUE_NAME, processor, {
    connection: redisOptions(o.address),
    concurrency: o.jobs,
    lockDuration: o.lockMs,
    stalledInterval: o.lockMs,
    // A unit whose worker died twice more still gets another worker (each attempt resumes).
    maxStalledCount: 3,
    autorun: false,
  });
  let lastError = '';
  let ready = false;
  worker.on('error', (e) => {
    if (ready && e.message !== lastError) o.log(`queue: ${e.message}`);
    lastError = e.message;
  });
  const endThreads = () => Promise.all(all.map((s) => s.end())).then(() => {});
  try {
    await withTimeout(worker.waitUntilReady(), 5000, o.address.shown, () => lastError);
  } catch (err) {
    await closeAll([worker]);
    await endThreads();
    throw err;
  }
  ready = true;
  void worker.run();
  return {
    close: async () => {
      await worker.close();
      await endThreads();
    },
    kill: async () => {
      await worker.close(true);
      await endThreads();
    },
  };
}
