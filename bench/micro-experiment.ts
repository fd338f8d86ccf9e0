// Child process of the bench's mfx side (until `mfx run` replaces it): the talk's arms on
// the bench reference net, spread over `--jobs` worker threads, each with its own wasm
// backend. Prints one JSON line: SideFigures.
// Usage: node --import tsx bench/micro-experiment.ts --work '<BenchWork JSON>' --jobs N
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { loadDataset } from '../runtime/data/datasets.js';
import { normalisePixels } from '../runtime/data/image-set.js';
import { cpuRate, rate, type BenchWork, type PhaseSpan, type SideFigures } from './figures.js';
import type { ArmData } from './micro-arm.js';

const started = performance.now();
const { values } = parseArgs({ options: { work: { type: 'string' }, jobs: { type: 'string', default: '1' } } });
const work = JSON.parse(values.work!) as BenchWork;
const jobs = Math.max(1, Number(values.jobs));

const ds = await loadDataset({ kind: 'mnist' }, { trainSubset: work.trainSubset, testSubset: work.testSubset });
// Shared memory: every worker reads the same images without a copy each.
function shared<T extends Float32Array | Uint8Array>(src: T): T {
  const Ctor = src.constructor as { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };
  const out = new Ctor(new SharedArrayBuffer(src.length * Ctor.BYTES_PER_ELEMENT));
  out.set(src as never);
  return out;
}
const data: ArmData = {
  trainImages: shared(ds.train.images),
  trainLabels: shared(ds.train.labels),
  testImages: shared(normalisePixels(ds.test.images, ds.mean, ds.std)),
  testLabels: shared(ds.test.labels),
};

// Arms round-robin over the workers (what `--jobs` would do with independent arms).
const assignments: string[][] = Array.from({ length: Math.min(jobs, work.arms.length) }, () => []);
work.arms.forEach((arm, i) => assignments[i % assignments.length].push(arm));

const spans: PhaseSpan[] = [];
const accuracy: Record<string, number> = {};
const workers = assignments.map((arms) => new Worker(new URL('./micro-worker-entry.mjs', import.meta.url), {
  workerData: { arms, work, data },
}));
await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
  w.on('message', (m: { ready?: boolean; arm?: string; spans?: PhaseSpan[]; accuracy?: number }) => {
    if (m.arm !== undefined) {
      spans.push(...m.spans!);
      accuracy[m.arm] = m.accuracy!;
    }
  });
  w.on('error', reject);
  w.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bench worker exited with ${code}`))));
})));

const figures: SideFigures = {
  baselineTrainImagesPerSec: rate(spans, 'baseline'),
  frozenTrainImagesPerSec: rate(spans, 'frozen'),
  // Process CPU time counts every thread, so per-span CPU figures hold only for one worker.
  baselineTrainImagesPerCpuSecond: assignments.length === 1 ? cpuRate(spans, 'baseline') : NaN,
  evalImagesPerSec: rate(spans, 'eval'),
  experimentSeconds: (Math.max(...spans.map((s) => s.end)) - Math.min(...spans.map((s) => s.start))) / 1000,
  processSeconds: (performance.now() - started) / 1000, // the parent replaces this with the spawn-to-exit time
  peakRssMiB: process.resourceUsage().maxRSS / 1024,
  cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  images: spans.reduce((n, s) => n + s.images, 0),
  accuracy,
};
process.stdout.write(`${JSON.stringify(figures)}\n`);
