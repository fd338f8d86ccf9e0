// One arm's full-network training on the reference net with its batches cut into shards:
// 1 shard on 1 thread (mfx before shards), 2 shards on 1 thread (what the cut costs), 2 shards
// on 2 threads (a shard team as `mfx run --jobs 2` uses it, and one that shares every batch:
// what a second core gives). Interleaved rounds, medians; wall
// images/s and images per CPU-second (all threads) of each. Synthetic images, batch 64.
// Wall time on a loaded machine says little (Linux shares CPU among sessions, so a second thread
// gets no more of it), so it also reports the main thread's CPU per batch and the other
// threads' (the helper, plus V8's background threads): with a core each, a batch takes about
// the larger of the two, which gives the `critical path` estimate of images/s.
// Usage: node --import tsx bench/shard-threads.ts [--batches 40] [--rounds 3] [--backend wasm] [--json]
// (--json: the medians as one JSON line at the end, for bench/targets.ts)
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compile } from '../compiler/index.js';
import { initBackend } from '../runtime/backend/select.js';
import type { BackendName } from '../runtime/backend/select.js';
import { createNetwork, disposeNetwork } from '../runtime/model/network.js';
import { Optimizer } from '../runtime/training/optimizer.js';
import { trainEpoch } from '../runtime/training/train-epoch.js';
import { startShardTeam } from '../runtime/run/shards/team.js';
import { evaluate } from '../runtime/run/evaluate.js';
import { median } from './figures.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    batches: { type: 'string', default: '40' },
    rounds: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
  },
});
const backend = values.backend as BackendName;
await initBackend(backend);
const { plan } = compile('model reference\noptimizer sgd lr 0.01 momentum 0.5\nbatch 64\ntrain 1\n', 'shards.mfx');
if (!plan) throw new Error('bench plan did not compile');
const spec = plan.model;
const batches = Number(values.batches);
const n = batches * 64;
// In shared memory, as `mfx run` hands the training images to a shard team.
const images = new Float32Array(new SharedArrayBuffer(4 * n * 784));
for (let i = 0; i < images.length; i++) images[i] = ((i * 2654435761) % 1000) / 500 - 1;
const labels = new Uint8Array(new SharedArrayBuffer(n));
for (let i = 0; i < n; i++) labels[i] = i % 10;
const data = { images, labels, n, height: 28, width: 28, channels: 1 };
const trainable = spec.params.map((p) => p.name);
// As `mfx run --jobs 2` uses it (takes back unreached shards, shares only while it pays), and
// a team that shares every batch.
const team = startShardTeam({ backend, spec, train: data, helpers: 1, shards: 2, batch: 64 });
const always = startShardTeam({ backend, spec, train: data, helpers: 1, shards: 2, batch: 64, adaptive: false });
await Promise.all([team.ready(), always.ready()]);

const configs = [
  { name: '1 shard, 1 thread', shards: 1, team: null },
  { name: '2 shards, 1 thread', shards: 2, team: null },
  { name: '2 shards, 2 threads', shards: 2, team },
  { name: '2 threads, always', shards: 2, team: always },
] as const;
const results = new Map<string, { wall: number[]; cpu: number[]; path: number[] }>(configs.map((c) => [c.name, { wall: [], cpu: [], path: [] }]));

/** CPU seconds of this process's main thread (Linux; NaN elsewhere). */
function mainThreadCpu(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

let epoch = 0;
async function measure(c: (typeof configs)[number]): Promise<{ wall: number; cpu: number; path: number }> {
  const net = createNetwork(spec, 1);
  const optimizer = new Optimizer(plan!.optimizer);
  const run = () => trainEpoch({ net, optimizer, data, batchSize: 64, shards: c.shards, team: c.team, trainable, feature: { kind: 'model' }, lr: 0.01, seed: 1, stepIndex: 0, epoch: ++epoch });
  await run(); // warm-up: shapes compiled, optimiser state made
  const c0 = process.cpuUsage();
  const m0 = mainThreadCpu();
  const t0 = performance.now();
  await run();
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(c0);
  const all = (used.user + used.system) / 1e6;
  const main = mainThreadCpu() - m0;
  disposeNetwork(net);
  optimizer.dispose();
  // One thread: the whole process's CPU is the path; two: the busier of main and the rest.
  const path = c.team ? Math.max(main, all - main) : all;
  if (c.team) console.log(`  (${c.team.sharedBatches} batches shared so far)`);
  return { wall: n / seconds, cpu: n / all, path: n / path };
}

const rounds = Number(values.rounds);
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? configs : [...configs].reverse();
  for (const c of order) {
    const m = await measure(c);
    results.get(c.name)!.wall.push(m.wall);
    results.get(c.name)!.cpu.push(m.cpu);
    results.get(c.name)!.path.push(m.path);
    console.log(`round ${r + 1}/${rounds} ${c.name.padEnd(20)} ${m.wall.toFixed(0).padStart(6)} img/s  ${m.cpu.toFixed(0).padStart(6)} img/CPU-s  ${m.path.toFixed(0).padStart(6)} img/s critical path`);
  }
}
// Evaluation (batches of 1000, dropout off) on this thread and spread over the team.
const evalSet = { ...data, n: Math.min(n, 10_000) };
const evalRates = { alone: [] as number[], team: [] as number[] };
const evalNet = createNetwork(spec, 1);
for (let r = 0; r < rounds; r++) {
  for (const way of r % 2 === 0 ? (['alone', 'team'] as const) : (['team', 'alone'] as const)) {
    const t0 = performance.now();
    await evaluate(evalNet, evalSet, { feature: { kind: 'model' } }, way === 'team' ? always : null);
    evalRates[way].push(evalSet.n / ((performance.now() - t0) / 1000));
  }
}
disposeNetwork(evalNet);
await Promise.all([team.close(), always.close()]);
const base = median(results.get(configs[0].name)!.wall);
console.log(`\nreference net, batch 64, ${batches} batches per epoch, ${backend}; medians of ${rounds} interleaved rounds`);
for (const c of configs) {
  const r = results.get(c.name)!;
  console.log(`${c.name.padEnd(20)} ${median(r.wall).toFixed(0).padStart(6)} img/s (x${(median(r.wall) / base).toFixed(2)})  ${median(r.cpu).toFixed(0).padStart(6)} img/CPU-s  ${median(r.path).toFixed(0).padStart(6)} img/s critical path (x${(median(r.path) / median(results.get(configs[0].name)!.path)).toFixed(2)})`);
}
console.log(`evaluation, ${evalSet.n} images: 1 thread ${median(evalRates.alone).toFixed(0)} img/s, 2 threads ${median(evalRates.team).toFixed(0)} img/s (x${(median(evalRates.team) / median(evalRates.alone)).toFixed(2)})`);
if (values.json) {
  const medians = Object.fromEntries(
    configs.map((c) => [c.name, { imagesPerSec: median(results.get(c.name)!.wall), imagesPerCpuSecond: median(results.get(c.name)!.cpu), criticalPathImagesPerSec: median(results.get(c.name)!.path) }]),
  );
  console.log(JSON.stringify({ shardThreads: medians }));
}
