// `node --import tsx bench/queue.ts [--repeat N] [--units M] [--workers W] [--train-subset T]`: the queue's scale check,
// on a redis-server it starts on a free loopback port (needs `npm run build` and redis-server).
//   1. Throughput: the same repeat grid (N seeds of one arm) with 1 and then 2 `mfx worker`
//      processes (one unit at a time each); the ratio of the wall times. The workers are warmed
//      by one untimed run of the same grid first (threads loaded, data read); the coordinator's
//      own start-up (tfjs, data) is in both times.
//   2. Coordination cost: M near-empty units (one evaluation of 10 images each) run locally and
//      through the queue with W workers; (queued − local) / M is the cost per unit of enqueueing,
//      taking, reporting and collecting (an upper bound: it includes the workers' own per-job work).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startRedis } from '../test/queue/redis.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MFX = path.join(ROOT, 'bin', 'mfx.js');
const { values } = parseArgs({ options: { repeat: { type: 'string', default: '8' }, units: { type: 'string', default: '200' }, workers: { type: 'string', default: '4' }, 'train-subset': { type: 'string', default: '2000' } } });
const env = { ...process.env, MFX_CACHE_DIR: 'off', MFX_JOBS: '1' };

function run(args: string[]): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MFX, ...args], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve((performance.now() - t0) / 1000) : reject(new Error(`mfx ${args[0]} exited ${code}: ${err.slice(-400)}`))));
  });
}

async function startWorkers(n: number, url: string, store: string): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: n }, () => {
      const child = spawn(process.execPath, [MFX, 'worker', '--queue', url, '--jobs', '1', '--store', store], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
      return new Promise<ChildProcess>((resolve) => {
        let out = '';
        child.stderr!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('worker ready')) resolve(child);
        });
      });
    }),
  );
}

async function stopWorkers(ws: ChildProcess[]): Promise<void> {
  await Promise.all(ws.map((w) => new Promise((r) => (w.once('exit', r), w.kill('SIGTERM')))));
}

const work = mkdtempSync(path.join(tmpdir(), 'mfx-bench-queue-'));
const redis = await startRedis();
const flags = ['--backend', 'wasm', '--quiet', '--no-report', '--no-cache'];
try {
  // 1. 1 vs 2 workers on a repeat grid.
  const grid = path.join(work, 'grid.mfx');
  writeFileSync(grid, `experiment "bench grid"\nrepeat ${values.repeat}\nmodel {\n  conv1: conv 8 5x5\n  pool 2\n  relu\n  flatten\n  fc1: dense 10\n}\ntrain 2\neval pmnist.unmodified\n`);
  const times: number[] = [];
  for (const n of [1, 2]) {
    const ws = await startWorkers(n, redis.url, path.join(work, `store-${n}`));
    // A first run warms each worker's thread (tfjs, wasm, data), as in a long session; the second is timed.
    await run(['run', grid, '--out', path.join(work, `warm-${n}`), '--queue', redis.url, '--train-subset', values['train-subset'], '--test-subset', '200', ...flags]);
    times.push(await run(['run', grid, '--out', path.join(work, `grid-${n}`), '--queue', redis.url, '--train-subset', values['train-subset'], '--test-subset', '200', ...flags]));
    await stopWorkers(ws);
  }
  console.log(`throughput: ${values.repeat} units (conv 8, 2 epochs of ${values['train-subset']} images): 1 worker ${times[0].toFixed(1)} s, 2 workers ${times[1].toFixed(1)} s, ratio ${(times[0] / times[1]).toFixed(2)}`);

  // 2. Coordination cost per near-empty unit.
  const tiny = path.join(work, 'tiny.mfx');
  writeFileSync(tiny, `experiment "bench tiny"\nrepeat ${values.units}\nmodel {\n  flatten\n  fc1: dense 10\n}\neval pmnist.unmodified\n`);
  const tinyFlags = ['--train-subset', '10', '--test-subset', '10', ...flags];
  const local = await run(['run', tiny, '--out', path.join(work, 'tiny-local'), ...tinyFlags]);
  const ws = await startWorkers(Number(values.workers), redis.url, path.join(work, 'store-tiny'));
  const queued = await run(['run', tiny, '--out', path.join(work, 'tiny-queued'), '--queue', redis.url, ...tinyFlags]);
  await stopWorkers(ws);
  const units = Number(values.units);
  console.log(`coordination: ${units} near-empty units: local ${local.toFixed(1)} s, queue with ${values.workers} workers ${queued.toFixed(1)} s, cost ${(((queued - local) / units) * 1000).toFixed(1)} ms per unit`);
} finally {
  await redis.stop();
}
