// `npm run bench`: the other bench files (bench/check.ts, data.ts, ui.ts, lsp.ts, when present), then
// mfx against PyTorch (bench/torch_reference.py) on the same work, interleaved,
// medians of several repeats, ratios printed and written to bench/out/compare-*.json.
//
// Options: --repeats N (3)  --train-subset N (3000)  --test-subset M (1000)  --epochs E (1)
//          --jobs 1,2 (core counts to compare: torch threads = mfx worker threads)
//          --arms baseline,inverted,hybrid,hybrid-relu6  --only-compare (skip check/data benches)
//          --no-targets (skip the issue-12 targets table: bench/targets.ts)
//          --net research (the research code's network and arms: normal,negative_relu,hybrid,hybrid_nr,hybrid_alt)
//          --quick (1 repeat, 1000/200 images: a smoke run)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mnistDataDir } from '../runtime/data/datasets.js';
import { median, type BenchNet, type BenchWork, type SideFigures } from './figures.js';
import { MFX_SIDE_DESCRIPTION, runMfxSide } from './mfx.js';
import { benchArms } from './torch-arms.js';
import { TORCH_SCRIPT, runTorchSide, torchUnavailable, torchVersion } from './torch.js';
import { runTargets, targetsTable, type TargetRow } from './targets.js';

const benchDir = path.dirname(fileURLToPath(import.meta.url));

// `npm run bench -- startup [--runs N]`: only the start-up figures (bench/startup.ts).
if (process.argv[2] === 'startup') {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(benchDir, 'startup.ts'), ...process.argv.slice(3)], { stdio: 'inherit', cwd: path.dirname(benchDir) });
  process.exit(r.status ?? 1);
}

const USAGE = `Usage: npm run bench -- [options]     (or: npm run bench -- startup [--runs N])
  --repeats N          repeats per side, interleaved; medians are quoted (3)
  --train-subset N     training images (3000; 60000 = full MNIST)
  --test-subset M      images per test set (1000; 10000 = full)
  --epochs E           epochs per phase (1; the talk's experiment uses 10)
  --jobs 1,2           core counts to compare: torch threads = mfx worker threads
  --net NET            reference (the talk's net, default) or research (mnist.py's net and arms)
  --arms a,b,...       arms of torch_reference.py (reference: baseline,inverted,hybrid,hybrid-relu6;
                       research: normal,negative_relu,hybrid,hybrid_nr,hybrid_alt; default all)
  --only-compare       skip bench/startup.ts, check.ts, data.ts, ui.ts and lsp.ts
  --no-targets         skip the issue-12 targets (quickstart, two-arm slice, one arm on 2 cores, 1-core CPU rate)
  --quick              1 repeat on 1000/200 images (a smoke run)
Figures go to stdout and bench/out/compare-*.json.`;
let parsed;
try {
  parsed = parseArgs({
    options: {
      repeats: { type: 'string', default: '3' },
      'train-subset': { type: 'string', default: '3000' },
      'test-subset': { type: 'string', default: '1000' },
      epochs: { type: 'string', default: '1' },
      jobs: { type: 'string', default: '1,2' },
      net: { type: 'string', default: 'reference' },
      arms: { type: 'string' },
      'only-compare': { type: 'boolean', default: false },
      'no-targets': { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
  process.exit(2);
}
const { values } = parsed;
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (values.quick) {
  // A smoke run (about a minute on an idle 2-core machine): figures dominated by warm-up.
  values.repeats = '1';
  values['train-subset'] = '1000';
  values['test-subset'] = '200';
}

const log = (s = '') => process.stdout.write(`${s}\n`);

// 1. The other bench files, each in its own process.
if (!values['only-compare']) {
  for (const file of ['startup.ts', 'check.ts', 'data.ts', 'ui.ts', 'lsp.ts']) {
    const full = path.join(benchDir, file);
    if (!existsSync(full)) continue;
    log(`== bench/${file}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', full], { stdio: 'inherit', cwd: path.dirname(benchDir) });
    if (r.status !== 0) log(`bench/${file} exited with ${r.status}`);
    log();
  }
}

// 2. mfx vs PyTorch.
if (values.net !== 'reference' && values.net !== 'research') {
  process.stderr.write(`--net must be reference or research, not "${values.net}"\n\n${USAGE}\n`);
  process.exit(2);
}
const net: BenchNet = values.net;
const work: BenchWork = {
  net,
  arms: (values.arms ?? benchArms(net).join(',')).split(',').map((a) => a.trim()).filter(Boolean),
  trainSubset: Number(values['train-subset']),
  testSubset: Number(values['test-subset']),
  epochs: Number(values.epochs),
  batch: 64,
  lr: 0.01,
  momentum: 0.5,
  seed: 1,
};
const repeats = Math.max(1, Number(values.repeats));
const jobsList = values.jobs.split(',').map(Number).filter((n) => n >= 1);
const torchMissing = torchUnavailable();
const dataDir = mnistDataDir();

log(`== mfx vs PyTorch: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
log(`work: --net ${work.net}, arms ${work.arms.join(',')}; ${work.trainSubset} training images x ${work.epochs} epoch(s) per phase, ` +
  `batch ${work.batch}; 5 test sets x ${work.testSubset} images per arm; ${repeats} repeats, interleaved`);
log(`mfx side: ${MFX_SIDE_DESCRIPTION}`);
if (torchMissing) log(`PyTorch side skipped: ${torchMissing}`);
else log(`PyTorch side: ${TORCH_SCRIPT} (torch ${torchVersion()}), via bench/torch_phases.py`);

type Side = 'mfx' | 'torch';
interface RunRecord { side: Side; jobs: number; repeat: number; loadavgBefore: number; figures: SideFigures }
const runs: RunRecord[] = [];

for (let repeat = 0; repeat < repeats; repeat++) {
  for (const jobs of jobsList) {
    // Alternate which side goes first, so slow drifts in machine load hit both alike.
    const order: Side[] = (repeat + jobs) % 2 === 0 ? ['mfx', 'torch'] : ['torch', 'mfx'];
    for (const side of order) {
      if (side === 'torch' && torchMissing) continue;
      const loadavgBefore = os.loadavg()[0];
      const figures = side === 'mfx' ? await runMfxSide(work, jobs) : await runTorchSide(work, jobs, dataDir);
      runs.push({ side, jobs, repeat, loadavgBefore, figures });
      log(`  repeat ${repeat + 1}/${repeats}, ${jobs} core(s), ${side.padEnd(5)}: ` +
        `train ${figures.baselineTrainImagesPerSec.toFixed(0)} img/s, frozen ${figures.frozenTrainImagesPerSec.toFixed(0)}, ` +
        `eval ${figures.evalImagesPerSec.toFixed(0)}, experiment ${figures.experimentSeconds.toFixed(1)} s, ` +
        `process ${figures.processSeconds.toFixed(1)} s, peak ${figures.peakRssMiB.toFixed(0)} MiB (load ${loadavgBefore.toFixed(1)})`);
    }
  }
}

const metrics = [
  { key: 'baselineTrainImagesPerSec', label: 'training img/s, baseline phase', higherIsBetter: true },
  { key: 'frozenTrainImagesPerSec', label: 'training img/s, frozen phase', higherIsBetter: true },
  { key: 'baselineTrainImagesPerCpuSecond', label: 'baseline img per CPU-s (1 core)', higherIsBetter: true },
  { key: 'evalImagesPerSec', label: 'evaluation img/s', higherIsBetter: true },
  { key: 'experimentSeconds', label: 'experiment wall s (arms only)', higherIsBetter: false },
  { key: 'processSeconds', label: 'process wall s (incl. start-up)', higherIsBetter: false },
  { key: 'peakRssMiB', label: 'peak memory MiB', higherIsBetter: false },
  { key: 'imagesPerCpuSecond', label: 'images per CPU-second', higherIsBetter: true },
] as const;

function value(f: SideFigures, key: (typeof metrics)[number]['key']): number {
  return key === 'imagesPerCpuSecond' ? f.images / f.cpuSeconds : f[key];
}

const summary: Record<string, Record<string, { mfx: number; torch: number | null; ratio: number | null }>> = {};
for (const jobs of jobsList) {
  const table: (typeof summary)[string] = {};
  log();
  log(`-- ${jobs} core(s): medians of ${repeats}; ratio = mfx / PyTorch`);
  log(`${'figure'.padEnd(34)}${'mfx'.padStart(10)}${'PyTorch'.padStart(10)}${'ratio'.padStart(9)}`);
  for (const m of metrics) {
    const of = (side: Side) => runs.filter((r) => r.side === side && r.jobs === jobs).map((r) => value(r.figures, m.key));
    const mfx = median(of('mfx'));
    const torch = torchMissing ? null : median(of('torch'));
    const ratio = torch === null ? null : mfx / torch;
    table[m.key] = { mfx, torch, ratio };
    if (!Number.isFinite(mfx) && (torch === null || !Number.isFinite(torch))) continue; // e.g. CPU-s figures at 2 cores
    const better = m.higherIsBetter ? '(>1 = mfx better)' : '(<1 = mfx better)';
    const digits = m.key === 'experimentSeconds' || m.key === 'processSeconds' ? 1 : 0;
    const cell = (v: number | null, width: number, d = digits) =>
      (v === null || !Number.isFinite(v) ? '-' : v.toFixed(d)).padStart(width);
    log(`${m.label.padEnd(34)}${cell(mfx, 10)}${cell(torch, 10)}${cell(ratio, 9, 2)}  ${ratio !== null && Number.isFinite(ratio) ? better : ''}`);
  }
  summary[String(jobs)] = table;
}
const loads = runs.map((r) => r.loadavgBefore);
log();
log(`machine load (1-min load average before each run): ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} ` +
  `on ${os.cpus().length} cores${Math.max(...loads) > os.cpus().length * 0.75 ? ' — busy: throughput figures are noisy' : ''}`);

// PyTorch's OpenMP threads spin-wait; when other processes hold the cores its multi-thread
// runs collapse (seen: 130-520 img/s with 2 threads vs 3,000-5,000 with 1 on a loaded machine).
const warnings: string[] = [];
if (!torchMissing && jobsList.length > 1) {
  const one = summary[String(Math.min(...jobsList))]?.baselineTrainImagesPerSec?.torch ?? NaN;
  for (const jobs of jobsList.filter((j) => j > Math.min(...jobsList))) {
    const many = summary[String(jobs)]?.baselineTrainImagesPerSec?.torch ?? NaN;
    if (many < one) {
      warnings.push(`PyTorch with ${jobs} threads trained slower than with ${Math.min(...jobsList)} (${many.toFixed(0)} vs ` +
        `${one.toFixed(0)} img/s): the cores are oversubscribed, so the ${jobs}-core ratios say more about the machine than about mfx.`);
    }
  }
}
for (const w of warnings) log(`warning: ${w}`);

// 3. The targets table (bench/targets.ts): every figure as a ratio mfx / PyTorch.
let targets: TargetRow[] = [];
if (!values['no-targets']) {
  log();
  log('== issue 12 targets (interleaved, medians)');
  const two = summary['2'] ?? summary[String(Math.max(...jobsList))];
  const one = summary['1'];
  targets = await runTargets(work, repeats, dataDir, torchMissing, {
    fourArmsProcess: { mfx: two?.processSeconds?.mfx ?? NaN, torch: two?.processSeconds?.torch ?? null },
    torchCpuRate: one?.baselineTrainImagesPerCpuSecond?.torch ?? null,
  }, log);
  log();
  for (const line of targetsTable(targets, work)) log(line);
  if (warnings.length > 0) log('warning: the 2-core PyTorch figures above come from an oversubscribed machine (see the warning before): their ratios flatter mfx.');
}

const outDir = path.join(benchDir, 'out');
mkdirSync(outDir, { recursive: true });
const outFile = path.join(outDir, `compare-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(outFile, `${JSON.stringify({
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, torch: torchMissing ? null : torchVersion() },
  work, repeats, jobs: jobsList, mfxSide: MFX_SIDE_DESCRIPTION, torchSkipped: torchMissing, warnings, summary, targets, runs,
}, null, 2)}\n`);
log(`wrote ${path.relative(process.cwd(), outFile)}`);
