// Redis restarted mid-run (append-only file on): the coordinator and the workers reconnect,
// the queue's jobs and events survive in the AOF, and the run ends with a local run's results.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { builtMfx, ROOT } from '../helpers/built-cli.js';
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
const FLAGS = ['--backend', 'wasm', '--train-subset', '200', '--test-subset', '100', '--quiet', '--no-cache', '--no-report'];
const ENV = { ...process.env, MFX_QUEUE_LOCK_MS: '2000', MFX_JOBS: '1' };

function start(args: string[]) {
  const child = spawn(process.execPath, [builtMfx(), ...args], { cwd: ROOT, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  const p = { child, out: '', exited: new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code))) };
  child.stdout!.on('data', (d: Buffer) => (p.out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (p.out += d.toString()));
  return p;
}

const table = (dir: string) => {
  const r = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8'));
  return { status: r.status, table: r.table, evals: r.evals };
};

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
