// Redis restarted mid-run (append-only file on): the coordinator and the workers reconnect,
// the queue's jobs and events survive in the AOF, and the run ends with a local run's results.
import { afterAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FLAGS, start } from './mfx-process.js';
import { runOutcome as table } from '../cli/helpers/killed-run.js';
import { REDIS_MISSING, startRedis, type TestRedis } from './redis.js';

const GRID = `experiment "restart grid"
seed 3
repeat 3
model {
  flatten
  fc1: dense 16
  relu
  fc2: dense 10
}
arm a {
  train 8
}
arm b {
  freeze fc1
  train 8
}
eval pmnist.unmodified
`;
describe.skipIf(REDIS_MISSING !== null)('a queued run across a Redis restart', () => {
  let redis: TestRedis | undefined;
  const procs: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of procs) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await redis?.stop();
  });

  it('goes on after Redis restarts (AOF on) and ends with the local results', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'mfx-queue-restart-'));
    const file = path.join(work, 'grid.mfx');
    writeFileSync(file, GRID);
    redis = await startRedis({ aof: true });
    const worker = start(['worker', '--queue', redis.url, '--jobs', '1', '--store', path.join(work, 'store')]);
    procs.push(worker.child);
    const local = start(['run', file, '--out', path.join(work, 'local'), ...FLAGS]);
    const queued = start(['run', file, '--out', path.join(work, 'queued'), '--queue', redis.url, ...FLAGS]);
    procs.push(queued.child);
    // Restart once the first unit finished, while others wait or run.
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (/: done\n/.test(worker.out)) {
          clearInterval(t);
          resolve();
        }
      }, 5);
    });
    expect(queued.child.exitCode).toBe(null); // the run is still going
    await redis.restart();
    expect(await local.exited, local.out).toBe(0);
    expect(await queued.exited, queued.out).toBe(0);
    expect(table(path.join(work, 'queued'))).toEqual(table(path.join(work, 'local')));
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  });
});
