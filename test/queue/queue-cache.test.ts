// `mfx worker --cache DIR`: a worker keeps the states it trains in its own cross-run cache and
// starts a later run's units from them, as a local `mfx run` does with its cache; the results are
// the same numbers. A coordinator run with --no-cache keeps the workers from using theirs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { start, type Proc } from './mfx-process.js';
import { runOutcome as table } from '../cli/helpers/killed-run.js';
import { REDIS_MISSING, startRedis, type TestRedis } from './redis.js';

const FILE = `experiment "queue cache"
seed 1
repeat 2
model {
  flatten
  fc1: dense 16
  relu
  fc2: dense 10
}
pretrain 2
arm tail {
  reset fc2
  train 1
}
eval pmnist.unmodified
`;
const SLICE = ['--backend', 'wasm', '--train-subset', '200', '--test-subset', '100', '--quiet', '--no-report'];

describe.skipIf(REDIS_MISSING !== null)('mfx worker --cache', () => {
  let redis: TestRedis;
  let work: string;
  let worker: Proc;

  beforeAll(async () => {
    redis = await startRedis({});
    work = mkdtempSync(path.join(tmpdir(), 'mfx-queue-cache-'));
    writeFileSync(path.join(work, 'cache.mfx'), FILE);
    worker = start(['worker', '--queue', redis.url, '--jobs', '1', '--store', path.join(work, 'store'), '--cache', path.join(work, 'worker-cache')]);
  });
  afterAll(async () => {
    if (worker && worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await redis?.stop();
  });

  async function run(name: string, cacheFlags: string[]) {
    const out = path.join(work, name);
    const p = start(['run', path.join(work, 'cache.mfx'), '--out', out, '--queue', redis.url, ...SLICE, ...cacheFlags]);
    expect(await p.exited, p.out).toBe(0);
    const events = readFileSync(path.join(out, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const reused = events.filter((e) => e.type === 'step-end' && e.status === 'reused').map((e) => `${e.arm}/${e.seed}/${e.step}`);
    return { out, reused: [...new Set(reused)].sort() };
  }

  it('starts a later run from the states the worker cached, with the same results; not under --no-cache', async () => {
    const first = await run('first', ['--cache', path.join(work, 'coordinator-cache')]);
    expect(readdirSync(path.join(work, 'worker-cache'), { recursive: true }).length).toBeGreaterThan(0);
    const second = await run('second', ['--cache', path.join(work, 'coordinator-cache')]);
    const uncached = await run('uncached', ['--no-cache']);
    expect(table(second.out)).toEqual(table(first.out));
    expect(table(uncached.out)).toEqual(table(first.out));
    // The second run's units took their pretraining (and more) from the worker's cache; the first
    // and the --no-cache run computed every step they did not hand on within the run.
    expect(second.reused.length).toBeGreaterThan(first.reused.length);
    expect(second.reused).toEqual(expect.arrayContaining(['tail/1/0', 'tail/2/0']));
    expect(uncached.reused).toEqual(first.reused);
  }, 180_000);
});
