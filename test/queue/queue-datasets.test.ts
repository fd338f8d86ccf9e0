// Workers that cannot run a run's units leave them to one that can. The dataset is an `idx`
// folder named `/proc/self/cwd/data`: each process sees the `data` folder of its own working
// directory (Linux), as machines see their own disks. Worker B's folder has no data, worker C's
// has other images; both say so and leave the units on the queue (not failed, no attempt
// counted); worker A has the coordinator's data and runs them all, the later arm starting from
// the shared prefix the first one handed over. The queued run folder (report included) must be
// a local run's, file by file. 2. The same for an arm's `load` file, named
// `/proc/self/cwd/init.mfxw`: a worker whose folder lacks it leaves the units.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { start, until, type Proc } from './mfx-process.js';
import { runOutcome as table } from '../cli/helpers/killed-run.js';
import { runFolderDifferences } from './run-folders.js';
import { REDIS_MISSING, startRedis, type TestRedis } from './redis.js';

const PLAN = `experiment "datasets on workers"
dataset idx "/proc/self/cwd/data"
repeat 2
model {
  flatten
  fc1: dense 16
  relu
  fc2: dense 10
}
pretrain 2
arm long {
  train 3
  save "nets/long.mfxw"
}
arm frozen {
  freeze fc1
  train 2
}
eval pidx.unmodified, pidx.hcut
`;
const FLAGS = ['--backend', 'wasm', '--quiet', '--no-cache'];

/** An IDX dataset folder `dir/data`: 28x28 images whose bright row depends on the class (moved by `shift`). */
function writeData(dir: string, shift: number): void {
  const images = (n: number) => {
    const b = new Uint8Array(16 + n * 784);
    const v = new DataView(b.buffer);
    [2051, n, 28, 28].forEach((x, i) => v.setUint32(4 * i, x));
    for (let i = 0; i < n; i++) for (let p = 0; p < 784; p++) b[16 + i * 784 + p] = Math.floor(p / 28) === ((i % 10) * 2 + shift) % 28 ? 220 : (p * 13 + i * 5) % 40;
    return b;
  };
  const labels = (n: number) => {
    const b = new Uint8Array(8 + n);
    const v = new DataView(b.buffer);
    [2049, n].forEach((x, i) => v.setUint32(4 * i, x));
    for (let i = 0; i < n; i++) b[8 + i] = i % 10;
    return b;
  };
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(path.join(dir, 'data', 'train-images-idx3-ubyte'), images(300));
  writeFileSync(path.join(dir, 'data', 'train-labels-idx1-ubyte'), labels(300));
  writeFileSync(path.join(dir, 'data', 't10k-images-idx3-ubyte'), images(100));
  writeFileSync(path.join(dir, 'data', 't10k-labels-idx1-ubyte'), labels(100));
}

describe.skipIf(REDIS_MISSING !== null || process.platform !== 'linux')('workers without the dataset leave units to one with it', () => {
  let redis: TestRedis;
  let work: string;
  const workers: Proc[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    work = mkdtempSync(path.join(tmpdir(), 'mfx-queue-data-'));
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await redis?.stop();
  });

  it('a worker lacking the dataset, or with other data, says so and leaves the units; the run folder equals a local run', async () => {
    const here = path.join(work, 'a'); // the coordinator's and worker A's machine
    const bare = path.join(work, 'b'); // worker B: no data folder
    const other = path.join(work, 'c'); // worker C: other images under the same name
    writeData(here, 0);
    writeData(other, 1);
    mkdirSync(bare);
    writeFileSync(path.join(here, 'plan.mfx'), PLAN);

    const local = start(['run', 'plan.mfx', '--out', 'local', ...FLAGS], here);
    expect(await local.exited, local.out).toBe(0);

    const worker = (cwd: string) => {
      const w = start(['worker', '--queue', redis.url, '--jobs', '1', '--store', 'store'], cwd);
      workers.push(w);
      return w;
    };
    const b = worker(bare);
    const c = worker(other);
    const coordinator = start(['run', 'plan.mfx', '--out', 'queued', '--queue', redis.url, ...FLAGS], here);
    const lacks = /cannot run units of run [a-z0-9-]+ here, leaving them to other workers: the dataset idx "\/proc\/self\/cwd\/data" is not here: The dataset folder \/proc\/self\/cwd\/data does not exist/;
    const differs = /cannot run units of run [a-z0-9-]+ here, leaving them to other workers: the dataset idx "\/proc\/self\/cwd\/data" here differs from the coordinator's/;
    await until(() => lacks.test(b.out) && differs.test(c.out));
    const a = worker(here);
    expect(await coordinator.exited, coordinator.out).toBe(0);

    // Only A ran units; B and C said why once per run, and never started one.
    expect(a.out.match(/: started/g)).toHaveLength(4);
    for (const w of [b, c]) {
      expect(w.out).not.toMatch(/: started/);
      expect(w.out.match(/cannot run units of run/g)).toHaveLength(1);
    }
    // The coordinator said why its units waited (a warning in its events).
    const warnings = readFileSync(path.join(here, 'queued', 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((e) => e.type === 'warning')
      .map((e) => e.message);
    expect(warnings).toContainEqual(expect.stringMatching(/^waiting for another worker: a worker on .* cannot run units of this run: the dataset idx "\/proc\/self\/cwd\/data" is not here/));
    expect(warnings).toContainEqual(expect.stringMatching(/^waiting for another worker: .* here differs from the coordinator's/));

    // Nothing failed, and leaving a unit cost it no attempt: one each.
    const queue = new Queue('mfx-units', { connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null } });
    const jobs = await queue.getJobs(['completed', 'failed']);
    await queue.close();
    expect(jobs.map((j) => [j.finishedOn !== undefined && !j.failedReason, j.attemptsMade])).toEqual(jobs.map(() => [true, 1]));
    expect(jobs).toHaveLength(4);

    // Redis keeps no unit files or prefix states once the coordinator has them.
    const redisClient = new Redis({ host: '127.0.0.1', port: redis.port });
    expect(await redisClient.keys('mfx:*')).toEqual([]);
    redisClient.disconnect();

    // The later arm took the shared prefix over (reused steps), as in the local run.
    const reused = (dir: string) => readFileSync(path.join(here, dir, 'events.jsonl'), 'utf8').match(/"status":"reused"/g)?.length;
    expect(reused('queued')).toBeGreaterThan(0);
    expect(reused('queued')).toBe(reused('local'));
    // The same run folder as the local run: results, weights, checkpoints, predictions, save files, report.
    expect(table(path.join(here, 'queued'))).toEqual(table(path.join(here, 'local')));
    expect(runFolderDifferences(path.join(here, 'local'), path.join(here, 'queued'))).toEqual([]);
  });

  it('a worker without an arm\'s load file says so and leaves the units to one that has it', async () => {
    const here = path.join(work, 'load-a');
    const bare = path.join(work, 'load-b');
    mkdirSync(here);
    mkdirSync(bare);
    const model = 'model {\n  flatten\n  fc1: dense 16\n  relu\n  fc2: dense 10\n}\n';
    const flags = ['--backend', 'wasm', '--train-subset', '200', '--test-subset', '100', '--quiet', '--no-cache', '--no-report'];
    // Weights to start from, made by a run of the same model.
    writeFileSync(path.join(here, 'make.mfx'), `experiment "make"\n${model}train 1\nsave "init.mfxw"\neval pmnist.unmodified\n`);
    const make = start(['run', 'make.mfx', '--out', 'made', ...flags], here);
    expect(await make.exited, make.out).toBe(0);
    copyFileSync(path.join(here, 'made', 'init.mfxw'), path.join(here, 'init.mfxw'));
    writeFileSync(path.join(here, 'plan.mfx'), `experiment "load on workers"\nrepeat 2\n${model}load "/proc/self/cwd/init.mfxw"\ntrain 1\neval pmnist.unmodified\n`);
    const local = start(['run', 'plan.mfx', '--out', 'local', ...flags], here);
    expect(await local.exited, local.out).toBe(0);

    const worker = (cwd: string) => {
      const w = start(['worker', '--queue', redis.url, '--jobs', '1', '--store', 'store'], cwd);
      workers.push(w);
      return w;
    };
    const without = worker(bare);
    const coordinator = start(['run', 'plan.mfx', '--out', 'queued', '--queue', redis.url, ...flags], here);
    await until(() => /cannot run units of run load-on-workers-[a-z0-9]+ here, leaving them to other workers: the load file \/proc\/self\/cwd\/init\.mfxw is not here/.test(without.out));
    const withFile = worker(here);
    expect(await coordinator.exited, coordinator.out).toBe(0);
    expect(withFile.out.match(/: started/g)).toHaveLength(2);
    expect(without.out).not.toMatch(/: started/);
    expect(table(path.join(here, 'queued'))).toEqual(table(path.join(here, 'local')));
  });
});
