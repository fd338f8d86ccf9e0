// `mfx run --queue` with three `mfx worker` processes on a real redis-server (password set):
// one worker is SIGKILLed mid-unit; its unit goes to another worker, which continues from the
// unit's last checkpoint in the shared store. The run must end with every result once, the
// same results.json numbers as a local run of the same file, and the same run folder file by
// file (weights, checkpoints, predictions, `save` files); the password must appear nowhere.
// Then, on the same queue: a unit failing for a user error (a damaged `load` file) fails the run as
// a local run does, without retries, and a job whose payload is not a valid plan is rejected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { JOB_VERSION } from '../../runtime/queue/job.js';
import { FLAGS, start, until, type Proc } from './mfx-process.js';
import { runOutcome as table } from '../cli/helpers/killed-run.js';
import { filesUnder, runFolderDifferences } from './run-folders.js';
import { REDIS_MISSING, startRedis, type TestRedis } from './redis.js';

const PASSWORD = 'hunter2-queue-secret';
const GRID = `experiment "queue grid"
seed 1
repeat 4
model {
  flatten
  fc1: dense 16
  relu
  fc2: dense 10
}
pretrain 2
arm long {
  train 12
}
arm frozen {
  freeze fc1
  train 2
  save "nets/frozen.mfxw"
}
arm reset {
  reset fc2
  train 1
}
eval pmnist.unmodified
`;
describe.skipIf(REDIS_MISSING !== null)('mfx run --queue with mfx workers on a real Redis', () => {
  let redis: TestRedis;
  let work: string;
  let store: string;
  const workers: Proc[] = [];
  let killed: { arm: string; seed: string } | undefined; // the unit whose worker was SIGKILLed

  beforeAll(async () => {
    redis = await startRedis({ password: PASSWORD });
    work = mkdtempSync(path.join(tmpdir(), 'mfx-queue-'));
    store = path.join(work, 'store');
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await redis?.stop();
  });

  it('survives a worker SIGKILLed mid-unit: all results once, equal to a local run, no password anywhere', async () => {
    const file = path.join(work, 'grid.mfx');
    writeFileSync(file, GRID);
    const local = start(['run', file, '--out', path.join(work, 'local'), ...FLAGS]);
    expect(await local.exited, local.out).toBe(0);

    const first = start(['worker', '--queue', redis.url, '--jobs', '1', '--store', store]);
    workers.push(first);
    const out = path.join(work, 'queued');
    const coordinator = start(['run', file, '--out', out, '--queue', redis.url, ...FLAGS]);

    // The first worker takes the longest unit; it is killed once that unit's first checkpoint exists.
    let unit: { arm: string; seed: string } | null = null;
    await until(() => {
      const m = /unit (\w+), seed (\d+) \(run ([a-z0-9-]+)\): started/.exec(first.out);
      if (!m) return false;
      unit = { arm: m[1], seed: m[2] };
      return existsSync(path.join(store, 'runs', m[3], 'checkpoints', m[1], `seed-${m[2]}.mfxc`));
    });
    first.child.kill('SIGKILL');
    await first.exited;
    const stopped = unit!;
    killed = stopped;
    expect(first.out).not.toMatch(new RegExp(`unit ${stopped.arm}, seed ${stopped.seed} .*: done`)); // really interrupted

    workers.push(start(['worker', '--queue', redis.url, '--jobs', '1', '--store', store]));
    workers.push(start(['worker', '--queue', redis.url, '--jobs', '1', '--store', store]));
    expect(await coordinator.exited, coordinator.out).toBe(0);

    // Every (arm, seed, test set) once, and the numbers of the local run.
    const queued = table(out);
    expect(queued.status).toBe('done');
    const keys = queued.evals.map((e: { arm: string; seed: number; testSet: string; label: string }) => `${e.arm}/${e.seed}/${e.testSet}/${e.label}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBeGreaterThanOrEqual(12);
    expect(queued).toEqual(table(path.join(work, 'local')));

    // The units' files came back with the results: weights, checkpoints (the killed unit's too),
    // predictions and `save` files are the local run's, byte for byte.
    const files = filesUnder(out);
    for (const kind of ['weights/', 'checkpoints/', 'predictions/', 'nets/frozen-seed']) expect(files.some((f) => f.startsWith(kind)), kind).toBe(true);
    expect(runFolderDifferences(path.join(work, 'local'), out, killed)).toEqual([]);
    // The arms sharing `pretrain 2` started from the state the first arm handed over, as locally.
    const reused = (dir: string) => readFileSync(path.join(dir, 'events.jsonl'), 'utf8').match(/"status":"reused"/g)?.length;
    expect(reused(out)).toBeGreaterThan(0);
    expect(reused(out)).toBe(reused(path.join(work, 'local')));

    // The killed unit restarted elsewhere from its checkpoint, not from the start.
    const events = readFileSync(path.join(out, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const mine = events.filter((e) => e.arm === stopped.arm && String(e.seed) === stopped.seed);
    const restart = mine.findIndex((e) => e.type === 'warning' && /restarted on another worker/.test(e.message));
    expect(restart).toBeGreaterThanOrEqual(0);
    // The next worker's first epoch is past the checkpointed first epoch of the first step.
    const next = mine.slice(restart).find((e) => e.type === 'epoch-end');
    expect([next.step, next.epoch]).not.toEqual([0, 1]);

    // The password is in no output and no file the run or the workers wrote.
    for (const p of [coordinator, ...workers]) expect(p.out).not.toContain(PASSWORD);
    for (const dir of [out, store]) for (const f of filesUnder(dir)) expect(readFileSync(path.join(dir, f)).includes(PASSWORD), f).toBe(false);
  });

  it('ends the run on a user error (a damaged load file) without retrying it', async () => {
    const file = path.join(work, 'missing-load.mfx');
    // The compiler refuses a missing file; a damaged one fails only when a unit loads it.
    writeFileSync(path.join(work, 'damaged.mfxw'), 'not a weights file');
    writeFileSync(file, GRID.replace('train 12', 'load "damaged.mfxw"\n  train 1'));
    const local = start(['run', file, '--out', path.join(work, 'local-missing'), ...FLAGS]);
    const queued = start(['run', file, '--out', path.join(work, 'queued-missing'), '--queue', redis.url, ...FLAGS]);
    const [localCode, queuedCode] = await Promise.all([local.exited, queued.exited]);
    expect(localCode, local.out).toBe(1);
    expect(queuedCode, queued.out).toBe(1);
    const message = (s: string) => /mfx: error: (.*)/.exec(s)?.[1];
    expect(message(local.out)).toMatch(/damaged\.mfxw/);
    expect(message(queued.out)).toBe(message(local.out));
    // Not retried: no unit of that run started twice across the workers.
    const { runId } = JSON.parse(readFileSync(path.join(work, 'queued-missing', 'queue.json'), 'utf8'));
    const starts = workers.flatMap((w) => w.out.match(new RegExp(`unit \\w+, seed \\d+ \\(run ${runId}\\): started`, 'g')) ?? []);
    expect(starts.length).toBeGreaterThanOrEqual(1);
    expect(new Set(starts).size).toBe(starts.length);
  });

  it('ends a diverging arm (NaN loss) like a local run: an outcome, not a retried failure', async () => {
    const file = path.join(work, 'diverge.mfx');
    writeFileSync(file, GRID.replace('arm long {\n  train 12\n}', 'arm long {\n  lr 1e30\n  train 2\n}'));
    const local = start(['run', file, '--out', path.join(work, 'local-diverge'), ...FLAGS]);
    const queued = start(['run', file, '--out', path.join(work, 'queued-diverge'), '--queue', redis.url, ...FLAGS]);
    expect(await local.exited, local.out).toBe(0);
    expect(await queued.exited, queued.out).toBe(0);
    const t = table(path.join(work, 'queued-diverge'));
    expect(JSON.stringify(t.table)).toMatch(/diverged at epoch/);
    expect(t).toEqual(table(path.join(work, 'local-diverge')));
  });

  it('rejects a job whose payload is not a valid plan, without running it', async () => {
    const connection = { host: '127.0.0.1', port: redis.port, password: PASSWORD, maxRetriesPerRequest: null };
    const queue = new Queue('mfx-units', { connection });
    const events = new QueueEvents('mfx-units', { connection });
    await events.waitUntilReady();
    const failed = new Promise<string>((resolve) => events.on('failed', ({ jobId, failedReason }) => jobId === 'forged-1' && resolve(failedReason)));
    const plan = JSON.parse(readFileSync(path.join(work, 'queued', 'plan.json'), 'utf8'));
    plan.arms[0].steps[0].epochs = 1000; // edited after hashing
    await queue.add('forged', { version: JOB_VERSION, datasetIdentity: '0'.repeat(64), reuse: true, runId: 'forged', plan, subset: { train: 200, test: 100 }, backend: 'wasm', unit: { kind: 'arm', arm: plan.arms[0].name, seed: 1, prefixFrom: [], epochs: 1000 }, batchEventIntervalMs: 100, featureCacheBytes: 0 }, { jobId: 'forged-1', attempts: 3 });
    const stuck = new Promise<string>((resolve) => setTimeout(() => resolve(`no failed event; workers said:\n${workers.map((w) => w.out.slice(-800)).join('\n---\n')}`), 30_000));
    expect(await Promise.race([failed, stuck])).toMatch(/invalid plan: hash/);
    const job = await queue.getJob('forged-1');
    expect(job?.attemptsMade).toBe(1);
    expect(workers.some((w) => /rejected job forged-1: invalid plan: hash/.test(w.out))).toBe(true);
    expect(existsSync(path.join(store, 'runs', 'forged'))).toBe(false);
    await events.close();
    await queue.close();
  });

  it('reattaches with --resume: units already done are taken from the queue, none runs again', async () => {
    const out = path.join(work, 'queued');
    const { runId } = JSON.parse(readFileSync(path.join(out, 'queue.json'), 'utf8'));
    const startsOf = () => workers.flatMap((w) => w.out.match(new RegExp(`\\(run ${runId}\\): started`, 'g')) ?? []).length;
    const before = startsOf();
    const resumed = start(['run', path.join(work, 'grid.mfx'), '--resume', out, '--queue', redis.url, '--quiet', '--no-report']);
    expect(await resumed.exited, resumed.out).toBe(0);
    expect(startsOf()).toBe(before);
    expect(table(out)).toEqual(table(path.join(work, 'local')));
    // The units' files, taken by the first coordinator, are not asked for again.
    expect(readFileSync(path.join(out, 'events.jsonl'), 'utf8')).not.toMatch(/did not come back/);
    expect(runFolderDifferences(path.join(work, 'local'), out, killed)).toEqual([]);
  });

  it('says so when Redis cannot be reached, without the password', async () => {
    const wrong = redis.url.replace(PASSWORD, 'not-the-password');
    const run = start(['run', path.join(work, 'grid.mfx'), '--out', path.join(work, 'refused'), '--queue', wrong, ...FLAGS]);
    expect(await run.exited).toBe(1);
    expect(run.out).toMatch(/Cannot reach the queue at redis:\/\/127\.0\.0\.1:\d+\/0/);
    expect(run.out).not.toContain('not-the-password');
  });

  it('stops its workers cleanly on SIGTERM', async () => {
    const alive = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    for (const w of alive) w.child.kill('SIGTERM');
    expect(await Promise.all(alive.map((w) => w.exited))).toEqual(alive.map(() => 0));
  });
});
