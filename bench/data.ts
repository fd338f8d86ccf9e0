// Benchmark: load full MNIST and generate all nine test sets as Float32, as a run does.
// Measures wall time and resident memory (issue 3 budget: under ~3 s and ~600 MB).
// Run alone in a fresh process: `npx tsx bench/data.ts` (or through `npm run bench`).
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { resolveTestSet, testSetCatalogue } from '../compiler/test-sets.js';
import { loadDataset } from '../runtime/data/datasets.js';
import type { ImageSet } from '../runtime/data/image-set.js';
import { makeTestSet } from '../runtime/data/test-sets.js';

export interface DataBenchResult {
  loadSeconds: number;
  generateSeconds: number;
  totalSeconds: number;
  /** Float32 bytes held: training images plus the nine test sets. */
  heldMB: number;
  rssBeforeMB: number;
  rssAfterMB: number;
  /** Peak resident set of the whole process (includes Node itself and tsx). */
  peakRssMB: number;
  /** CPU time of this process (user + system) over load + generate: wall time is inflated on a busy machine, this much less. */
  cpuSeconds: number;
  /** 1-minute load average when the bench ended, to judge the wall times. */
  loadAverage: number;
  cpus: number;
  perSetSeconds: Record<string, number>;
}

const MB = 1024 * 1024;

export async function benchData(): Promise<DataBenchResult> {
  const rssBefore = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const ds = await loadDataset({ kind: 'mnist' });
  const t1 = performance.now();
  const sets: ImageSet[] = [];
  const perSetSeconds: Record<string, number> = {};
  for (const name of testSetCatalogue(ds.spec)) {
    const s = performance.now();
    sets.push(makeTestSet(resolveTestSet(name)!, ds, 1));
    perSetSeconds[name] = (performance.now() - s) / 1000;
  }
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const held = ds.train.images.byteLength + sets.reduce((a, s) => a + s.images.byteLength, 0);
  return {
    loadSeconds: (t1 - t0) / 1000,
    generateSeconds: (t2 - t1) / 1000,
    totalSeconds: (t2 - t0) / 1000,
    heldMB: held / MB,
    rssBeforeMB: rssBefore / MB,
    rssAfterMB: process.memoryUsage().rss / MB,
    // maxRSS is in kilobytes.
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    loadAverage: os.loadavg()[0],
    cpus: os.cpus().length,
    perSetSeconds,
  };
}

export function formatDataBench(r: DataBenchResult): string {
  const lines = [
    'data: full MNIST (60000 train as Float32) + 9 test sets of 10000 (Float32)',
    `  load            ${r.loadSeconds.toFixed(2)} s`,
    `  generate 9 sets ${r.generateSeconds.toFixed(2)} s`,
    ...Object.entries(r.perSetSeconds).map(([name, s]) => `    ${name.padEnd(20)} ${s.toFixed(3)} s`),
    `  total           ${r.totalSeconds.toFixed(2)} s wall, ${r.cpuSeconds.toFixed(2)} s CPU   (budget ~3 s; load average ${r.loadAverage.toFixed(1)} on ${r.cpus} CPUs)`,
    `  Float32 held    ${r.heldMB.toFixed(0)} MB`,
    `  RSS             ${r.rssBeforeMB.toFixed(0)} MB before, ${r.rssAfterMB.toFixed(0)} MB after, ${r.peakRssMB.toFixed(0)} MB peak   (budget ~600 MB)`,
  ];
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(formatDataBench(await benchData()));
}
