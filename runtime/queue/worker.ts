// `mfx worker`'s engine: a BullMQ worker on the main thread, which only takes jobs, validates
// them, relays progress and keeps the jobs' locks renewed, and one unit thread per job slot
// (unit-thread.ts) that does the training. A job that fails validation or fails for a user error
// is failed for good (UnrecoverableError: retrying cannot help); any other failure is retried
// by BullMQ, and a worker that dies leaves its jobs' locks to expire, after which another worker
// takes them (stalled-job check). A unit this worker cannot run (it lacks the dataset, a `load`
// file or the backend) is left on the queue for another worker: not failed, no attempt counted.
// A finished unit's files (weights, checkpoint, predictions, `save` files) go to Redis beside the
// job (job.ts: ReturnedFile) for the coordinator to write into its run folder.
import { Worker as ThreadWorker } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { serializeError } from '../run/workers/errors.js';
import type { SerializedError } from '../run/workers/messages.js';
import { encodeUserError, filesKey, QUEUE_NAME, RESULT_TTL_S, USER_ERROR_NAMES, type ReturnedFile, type UnitJob, type UnitJobResult, type UnitProgress } from './job.js';
import type { FromUnitThread, ToUnitThread, UnitThreadResult, WorkerCache } from './thread-messages.js';
import { sha256Hex } from '../store/predictions-file.js';
import type { RunEvent } from '../events.js';
import { decodeHandover, encodeHandover, prefixKey, type PrefixHandover } from './prefix-handover.js';
import { redisOptions, type QueueAddress } from './url.js';
import { closeAll, plainConnection, probeRedis, withTimeout } from './connect.js';

const ENTRY = new URL(import.meta.url.endsWith('.ts') ? './unit-thread-entry.mjs' : './unit-thread.js', import.meta.url);

export interface QueueWorkerOptions {
  address: QueueAddress;
  /** Units run at once (one thread each). */
  jobs: number;
  /** Folder for checkpoints, weights and `save` files; shared between workers to resume each other's units. */
  store: string;
  /** A job's lock lasts this long unless renewed (renewed every half); a dead worker's units wait this long plus one check. After leaving a unit it cannot run, this worker takes none for this long. */
  lockMs: number;
  /** This worker's cross-run state cache (null: none), used for the units of runs that allow it. */
  cache: WorkerCache | null;
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

/** What a unit thread reports while its unit runs. */
interface UnitHandlers {
  start(): void;
  event(event: RunEvent): void;
  /** The unit reached the end of a prefix that `arm` (a later arm) shares. */
  prefix(seed: number, arm: string, handover: PrefixHandover): void;
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

  /** Runs the unit; resolves to its result and files, or to why this worker cannot run it. */
  run(job: UnitJob, store: string, prefix: PrefixHandover | null, cache: WorkerCache | null, on: UnitHandlers): Promise<UnitThreadResult | { cannotRun: string }> {
    return new Promise((resolve, reject) => {
      this.current = {
        onEvent: (m) => {
          if (m.type === 'event') return on.event(m.event);
          if (m.type === 'running') return on.start();
          if (m.type === 'prefix') return on.prefix(m.seed, m.arm, m.handover);
          this.current = null;
          switch (m.type) {
            case 'done':
              return resolve({ result: m.result, files: m.files });
            case 'cannot-run':
              return resolve({ cannotRun: m.reason });
            case 'error':
              return reject(m.error);
            default: {
              const never: never = m;
              return reject(new Error(`unknown message ${JSON.stringify(never)}`));
            }
          }
        },
      };
      const msg: ToUnitThread = { type: 'unit', job, store, prefix, cache };
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

/** Replaces a Redis hash with `fields` in one transaction, to expire after RESULT_TTL_S. */
async function putHash(client: Redis, key: string, fields: Map<string, Uint8Array>, what: string): Promise<void> {
  const tx = client.multi().del(key);
  for (const [field, data] of fields) tx.hset(key, field, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  tx.expire(key, RESULT_TTL_S);
  const replies = await tx.exec();
  const failed = replies?.find(([err]) => err !== null)?.[0];
  if (!replies || failed) throw new Error(`cannot store ${what} in Redis (${failed?.message ?? 'transaction aborted'})`);
}

/** Puts a finished unit's files into the job's Redis hash and returns what the result says of them. */
async function sendFiles(client: Redis, jobId: string, files: UnitThreadResult['files']): Promise<ReturnedFile[]> {
  if (files.length === 0) return [];
  await putHash(client, filesKey(jobId), new Map(files.map((f) => [f.path, f.data])), "the unit's files");
  return files.map((f) => ({ path: f.path, bytes: f.data.byteLength, sha256: sha256Hex(f.data) }));
}

/** The prefix state handed to this job's unit, if its source put one in Redis (else the unit computes its prefix). */
async function receivePrefix(client: Redis, job: UnitJob, log: (line: string) => void): Promise<PrefixHandover | null> {
  if (job.unit.prefixFrom.length === 0) return null;
  const key = prefixKey(job.runId, job.plan, job.unit.seed, job.unit.arm);
  try {
    return decodeHandover(await client.hgetallBuffer(key), key);
  } catch (err) {
    log(`ignored the shared prefix state ${key}: ${(err as Error).message}; computing it instead`);
    return null;
  }
}

export async function startQueueWorker(o: QueueWorkerOptions): Promise<QueueWorker> {
  await probeRedis(o.address);
  const free: Slot[] = Array.from({ length: o.jobs }, () => new Slot());
  const all = [...free];
  const told = new Set<string>();
  let backingOff = false;
  let stopped = false;
  let lastError = '';
  const filesRedis = plainConnection(o.address, (e) => (lastError = e.message));
  const processor = async (job: Job, token?: string): Promise<UnitJobResult> => {
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
    // Progress messages go out one after another, and all of them before the result.
    let sent: Promise<unknown> = Promise.resolve();
    let left: string | null = null;
    const progress = (p: UnitProgress) => (sent = sent.then(() => job.updateProgress(p as unknown as object)).catch(() => {}));
    try {
      const prefix = await receivePrefix(filesRedis.redis, payload, o.log);
      const ran = await slot.run(payload, o.store, prefix, o.cache, {
        start: () => o.log(`unit ${arm}, seed ${seed} (run ${payload.runId}): started`),
        event: (event) => progress({ attempt, event }),
        // The state goes to Redis first, then the coordinator hears of it (and queues that arm's unit).
        prefix: (s, later, handover) => {
          const key = prefixKey(payload.runId, payload.plan, s, later);
          sent = sent
            .then(() => putHash(filesRedis.redis, key, encodeHandover(handover), 'a shared prefix state'))
            .then(() => job.updateProgress({ handedOver: { arm: later, seed: s } } satisfies UnitProgress as unknown as object))
            .catch((err: Error) => o.log(`could not hand the shared prefix on to arm ${later}, seed ${s} (${err.message}); it computes the prefix itself`));
        },
      });
      await sent;
      if ('cannotRun' in ran) {
        left = ran.cannotRun;
      } else {
        const files = await sendFiles(filesRedis.redis, job.id!, ran.files);
        o.log(`unit ${arm}, seed ${seed} (run ${payload.runId}): ${ran.result.outcome.kind}`);
        return { ...ran.result, files };
      }
    } catch (err) {
      await sent;
      const e = err as SerializedError;
      o.log(`unit ${arm}, seed ${seed} (run ${payload.runId}): failed (${e.name}: ${e.message.split('\n')[0]})`);
      throw failure(e);
    } finally {
      free.push(slot);
    }
    // Left for another worker: back on the queue at once, without counting an attempt.
    if (!told.has(`${payload.runId}\0${left}`)) {
      told.add(`${payload.runId}\0${left}`);
      o.log(`cannot run units of run ${payload.runId} here, leaving them to other workers: ${left}`);
    }
    const note: UnitProgress = { left: `a worker on ${hostname()} cannot run units of this run: ${left}` };
    await job.updateProgress(note as unknown as object).catch(() => {});
    await job.moveToWait(token);
    // This worker steps back for a lock period, or it would take the unit (and the run's other
    // units) again at once, keeping them from the workers that can run them.
    if (!backingOff) {
      backingOff = true;
      void worker.pause(true);
      setTimeout(() => {
        backingOff = false;
        if (!stopped) worker.resume();
      }, o.lockMs);
    }
    throw new WaitingError();
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
  let ready = false;
  worker.on('error', (e) => {
    if (ready && e.message !== lastError) o.log(`queue: ${e.message}`);
    lastError = e.message;
  });
  const endThreads = () => Promise.all(all.map((s) => s.end())).then(() => {});
  try {
    await withTimeout(worker.waitUntilReady(), 5000, o.address.shown, () => lastError);
  } catch (err) {
    await closeAll([worker, filesRedis.closable]);
    await endThreads();
    throw err;
  }
  ready = true;
  void worker.run();
  return {
    close: async () => {
      stopped = true;
      await worker.close();
      await Promise.all([closeAll([filesRedis.closable]), endThreads()]);
    },
    kill: async () => {
      stopped = true;
      // Does not wait on a Redis that went away: after 2 s the connections are cut.
      const forced = { close: () => worker.close(true), disconnect: () => worker.disconnect() };
      await Promise.all([closeAll([forced, filesRedis.closable]), endThreads()]);
    },
  };
}
