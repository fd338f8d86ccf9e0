// `mfx worker --queue URL`: takes units of queued runs (`mfx run --queue`) and runs them, one
// thread per job slot, until stopped (Ctrl-C or SIGTERM: the units in progress finish first;
// a second signal stops at once and leaves them to other workers). It prints one line per unit.
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from '../context.js';
import { UserError } from '../context.js';
import { QueueAddressError, parseQueueUrl, type QueueAddress } from '../../runtime/queue/url.js';
import { validateJob } from '../queue/validate-job.js';
import { defaultJobs } from '../run/jobs.js';
import { queueErrorText } from '../queue/run-queue.js';
import { resolveCacheDir } from '../run/cache-dir.js';
import { megabytesFromEnv } from '../run/env-limits.js';

interface WorkerFlags {
  queue: string;
  jobs?: number;
  store: string;
  /** --cache DIR (a string), --no-cache (false), or neither. */
  cache?: string | boolean;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`--jobs needs a whole number above 0, got "${value}".`);
  return n;
}

/** How long a job's lock lasts (MFX_QUEUE_LOCK_MS, default 30 s): how soon a dead worker's units go to another. */
function lockMs(env: NodeJS.ProcessEnv): number {
  const v = env.MFX_QUEUE_LOCK_MS;
  if (v === undefined || v === '') return 30_000;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1000) throw new UserError(`MFX_QUEUE_LOCK_MS must be a whole number of milliseconds, at least 1000; got "${v}".`, 2);
  return n;
}

export function registerWorker(program: Command, ctx: CliContext): void {
  program
    .command('worker')
    .description('take the units of queued runs (mfx run --queue) and run them, until stopped')
    .requiredOption('--queue <url>', 'the Redis the coordinators use: redis://HOST:PORT[/DB]')
    .option('--jobs <n>', 'units run at once, one thread each (default: one per core)', positiveInt)
    .option('--store <dir>', 'folder for checkpoints and weights; give every worker the same shared folder so one resumes another\'s units', 'mfx-store')
    .option('--cache <dir>', 'this machine\'s cache of trained states shared between runs (default $XDG_CACHE_HOME/mfx or ~/.cache/mfx; kept under MFX_CACHE_MB, default 1024); used unless the run says --no-cache')
    .option('--no-cache', 'neither reuse nor store trained states between runs on this worker')
    .action(async (flags: WorkerFlags) => {
      await workerCommand(flags, ctx);
    });
}

async function workerCommand(flags: WorkerFlags, ctx: CliContext): Promise<void> {
  let address: QueueAddress;
  try {
    address = parseQueueUrl(flags.queue);
  } catch (err) {
    if (err instanceof QueueAddressError) throw new UserError(`--queue ${err.shown}: ${err.reason}.`, 2);
    throw err;
  }
  const jobs = flags.jobs ?? defaultJobs(process.env);
  const store = resolve(flags.store);
  const log = (line: string) => ctx.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  // Loaded here: BullMQ and the Redis client are for `worker` (and queued runs) alone.
  const { startQueueWorker } = await import('../../runtime/queue/worker.js');
  const cacheDir = resolveCacheDir(flags.cache, process.env);
  let worker;
  try {
    const cache = cacheDir ? { dir: cacheDir, limitBytes: megabytesFromEnv(process.env, 'MFX_CACHE_MB') ?? undefined } : null;
    worker = await startQueueWorker({ address, jobs, store, cache, lockMs: lockMs(process.env), validate: validateJob, log });
  } catch (err) {
    const text = queueErrorText(err);
    throw text ? new UserError(text) : err;
  }
  log(`worker ready: ${jobs} unit${jobs === 1 ? '' : 's'} at a time from ${address.shown}, store ${store}, ${cacheDir ? `cache ${cacheDir}` : 'no cache'}`);
  await new Promise<void>((done) => {
    let signals = 0;
    const onSignal = () => {
      signals++;
      if (signals === 1) {
        log('stopping: the units in progress finish first (again to stop at once)');
        void worker.close().then(done);
      } else {
        void worker.kill().then(done);
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  log('worker stopped');
  // A Redis that went away leaves BullMQ's connections retrying, which would keep the process
  // alive after a second Ctrl-C; whatever still runs a second later is only that.
  setTimeout(() => process.exit(process.exitCode ?? 0), 1000).unref();
}
