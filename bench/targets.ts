// The Targets table of issue 12 as ratios mfx / PyTorch, from one `npm run bench`: each figure's
// work on both sides, interleaved, medians of the repeats. The four-arm figure and PyTorch's
// images per CPU-second come from the comparison index.ts has just run (same work, same runs).
//   quickstart        examples/quickstart.mfx vs torch_reference.py's hybrid-relu6 (1+1 epochs), whole process, 2 cores
//   two-arm slice     arms baseline { train 2 } and hybrid (2+2 epochs, invert relu), whole process, 2 cores
//   one-arm training  one arm's full-network training img/s, 2 cores (mfx: the shards of each batch on 2 threads)
//   one core          full-network training images per CPU-second, 1 core (mfx: bench/shard-threads.ts, the plan's default 2 shards on 1 thread)
//   four arms         torch_reference.py's four arms, whole process, 2 cores (full MNIST in the issue; here the bench's subset)
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, type BenchWork, type SideFigures } from './figures.js';
import { runMfxSide } from './mfx.js';
import { runTorchSide } from './torch.js';
import { torchArmsMfx } from './torch-arms.js';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDir);

export interface TargetRow {
  figure: string;
  mfx: number;
  torch: number | null;
  /** mfx / PyTorch, in the direction of the target. */
  ratio: number | null;
  target: string;
  unit: string;
}

interface TargetWork {
  name: string;
  work: BenchWork;
  mfxText: string;
  jobs: number;
}

/** Runs the target works (both sides, interleaved) and returns the table's rows. */
export async function runTargets(
  base: BenchWork,
  repeats: number,
  dataDir: string,
  torchMissing: string | null,
  fromCompare: { fourArmsProcess: { mfx: number; torch: number | null }; torchCpuRate: number | null },
  log: (s?: string) => void,
): Promise<TargetRow[]> {
  const quickstart = readFileSync(path.join(root, 'examples/quickstart.mfx'), 'utf8');
  const works: TargetWork[] = [
    { name: 'quickstart', work: { ...base, arms: ['hybrid-relu6'], epochs: 1 }, mfxText: quickstart, jobs: 2 },
    { name: 'two-arm', work: { ...base, arms: ['baseline', 'hybrid'], epochs: 2 }, mfxText: '', jobs: 2 },
    { name: 'one-arm', work: { ...base, arms: ['baseline'], epochs: 1 }, mfxText: '', jobs: 2 },
  ];
  for (const w of works) if (w.mfxText === '') w.mfxText = torchArmsMfx(w.work);
  const figures = new Map<string, { mfx: SideFigures[]; torch: SideFigures[] }>(works.map((w) => [w.name, { mfx: [], torch: [] }]));
  for (let r = 0; r < repeats; r++) {
    for (const w of works) {
      const sides = (r + w.name.length) % 2 === 0 ? (['mfx', 'torch'] as const) : (['torch', 'mfx'] as const);
      for (const side of sides) {
        if (side === 'torch' && torchMissing) continue;
        const f = side === 'mfx' ? await runMfxSide(w.work, w.jobs, w.mfxText) : await runTorchSide(w.work, w.jobs, dataDir);
        figures.get(w.name)![side].push(f);
        log(`  target repeat ${r + 1}/${repeats} ${w.name.padEnd(10)} ${side.padEnd(5)}: process ${f.processSeconds.toFixed(1)} s, full-network ${f.baselineTrainImagesPerSec.toFixed(0)} img/s`);
      }
    }
  }
  // mfx's images per CPU-second on one core: the plan's default shards, one thread.
  const profile = spawnSync(process.execPath, ['--import', 'tsx', path.join(benchDir, 'shard-threads.ts'), '--rounds', String(repeats), '--batches', '30', '--json'], { cwd: root, encoding: 'utf8' });
  const last = profile.stdout.trim().split('\n').pop() ?? '';
  const shardThreads = last.startsWith('{') ? (JSON.parse(last).shardThreads as Record<string, { imagesPerSec: number; imagesPerCpuSecond: number }>) : null;
  if (!shardThreads) log(`bench/shard-threads.ts failed: ${profile.stderr.slice(-500)}`);
  else {
    const lines = profile.stdout.trim().split('\n');
    for (const line of lines.slice(lines.findIndex((l) => l.startsWith('reference net')), -1)) log(`  ${line}`);
  }

  const med = (name: string, side: 'mfx' | 'torch', key: keyof SideFigures) => {
    const v = figures.get(name)![side].map((f) => f[key] as number);
    return v.length > 0 ? median(v) : null;
  };
  const row = (figure: string, mfx: number | null, torch: number | null, target: string, unit: string): TargetRow => ({
    figure,
    mfx: mfx ?? NaN,
    torch,
    ratio: mfx !== null && torch !== null ? mfx / torch : null,
    target,
    unit,
  });
  return [
    row('quickstart, whole process', med('quickstart', 'mfx', 'processSeconds'), med('quickstart', 'torch', 'processSeconds'), '<= 1.0', 's'),
    row('two-arm slice, whole process', med('two-arm', 'mfx', 'processSeconds'), med('two-arm', 'torch', 'processSeconds'), '<= 1.0', 's'),
    row('full-network training, one arm, 2 cores', med('one-arm', 'mfx', 'baselineTrainImagesPerSec'), med('one-arm', 'torch', 'baselineTrainImagesPerSec'), '>= 0.7', 'img/s'),
    row('images per CPU-second, 1 core', shardThreads?.['2 shards, 1 thread']?.imagesPerCpuSecond ?? null, fromCompare.torchCpuRate, 'mfx >= 5,000', 'img/CPU-s'),
    row('four arms, whole process, 2 cores', fromCompare.fourArmsProcess.mfx, fromCompare.fourArmsProcess.torch, '<= 0.5 (full MNIST)', 's'),
  ];
}

/** The table as text. */
export function targetsTable(rows: TargetRow[], work: BenchWork): string[] {
  const cell = (v: number | null, d: number) => (v === null || !Number.isFinite(v) ? '-' : v.toFixed(d));
  const out = [
    `-- issue 12 targets: ${work.trainSubset} training / ${work.testSubset} test images per set; ratio = mfx / PyTorch`,
    `${'figure'.padEnd(50)}${'mfx'.padStart(10)}${'PyTorch'.padStart(10)}${'ratio'.padStart(8)}  target`,
  ];
  for (const r of rows) {
    const d = r.unit === 's' ? 1 : 0;
    out.push(`${`${r.figure} (${r.unit})`.padEnd(50)}${cell(r.mfx, d).padStart(10)}${cell(r.torch, d).padStart(10)}${cell(r.ratio, 2).padStart(8)}  ${r.target}`);
  }
  return out;
}
