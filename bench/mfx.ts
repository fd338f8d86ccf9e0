// The mfx side of `npm run bench`: the real `mfx run` on torch_reference.py's arms
// (bench/torch-arms.ts writes the .mfx), on the same subsets, with `--reporter json`; the
// figures come from its events as they arrive:
//   - training phases: each train step's wall time (step-start to step-end, so a frozen step's
//     feature-cache fill counts), images = epochs x training images; `baseline` when the step
//     trains every parameter, `frozen` when it freezes some (the hybrids' second phase);
//   - evaluation: each eval step's wall time, images = test sets x test images;
//   - experiment: first arm-start to last arm-end; process: spawn to exit (start-up included);
//   - peak memory and CPU time of the whole process from /usr/bin/time when present.
// Each phase is timed from the outside, as bench/torch_phases.py does for PyTorch. With
// --jobs 2 the spans of two threads overlap; rate() counts their union of wall time.
// `--no-cache`: every repeat computes everything (a cached rerun would measure nothing).
// bench/micro-experiment.ts (the reference net as bare tfjs ops, no runtime) still runs on its
// own for a kernel-level figure; the comparison uses the real command.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchWork, PhaseSpan, SideFigures } from './figures.js';
import { rate } from './figures.js';
import { torchArmsMfx } from './torch-arms.js';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDir);
const TIME = '/usr/bin/time';

export const MFX_SIDE_DESCRIPTION = 'mfx run bench/torch-arms.mfx --backend wasm --no-cache --reporter json (shared pretraining computed once, frozen-feature cache on)';

interface JsonEvent {
  type: string;
  arm?: string;
  seed?: number;
  step?: number;
  kind?: string;
  frozen?: string[];
  epochs?: number;
  seconds?: number;
  status?: string;
  label?: string;
  testSet?: string;
  accuracy?: number;
  n?: number;
}

/** `mfxText`: the .mfx file to run (default: torch_reference.py's arms for `work`). */
export async function runMfxSide(work: BenchWork, jobs: number, mfxText?: string): Promise<SideFigures> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mfx-bench-mfx-'));
  try {
    const file = path.join(dir, 'torch-arms.mfx');
    writeFileSync(file, mfxText ?? torchArmsMfx(work));
    const timeFile = path.join(dir, 'time.txt');
    const mfxArgs = [
      path.join(root, 'bin/mfx.js'), 'run', file, '--backend', 'wasm', '--no-cache', '--jobs', String(jobs),
      '--train-subset', String(work.trainSubset), '--test-subset', String(work.testSubset),
      '--reporter', 'json', '--out', path.join(dir, 'run'),
    ];
    const useTime = existsSync(TIME);
    const [cmd, args] = useTime ? [TIME, ['-f', '%M %U %S', '-o', timeFile, process.execPath, ...mfxArgs]] : [process.execPath, mfxArgs];

    const started = performance.now();
    const spans: PhaseSpan[] = [];
    const stepStarts = new Map<string, { at: number; event: JsonEvent }>();
    const accuracy: Record<string, number> = {};
    let firstArm = Infinity;
    let lastArm = -Infinity;
    let stderr = '';
    let pending = '';
    const onLine = (line: string, at: number) => {
      if (!line.startsWith('{')) return;
      const e = JSON.parse(line) as JsonEvent;
      const key = `${e.arm}/${e.seed}/${e.step}`;
      if (e.type === 'arm-start') firstArm = Math.min(firstArm, at);
      if (e.type === 'arm-end') lastArm = Math.max(lastArm, at);
      if (e.type === 'step-start') stepStarts.set(key, { at, event: e });
      if (e.type === 'eval-result' && e.label === 'final' && e.testSet === 'pmnist.unmodified') accuracy[e.arm!] = 100 * e.accuracy!;
      if (e.type === 'step-end' && e.status === 'done') {
        const begun = stepStarts.get(key);
        if (!begun) return;
        const s = begun.event;
        const end = at;
        const start = end - e.seconds! * 1000;
        if (s.kind === 'train') spans.push({ kind: (s.frozen ?? []).length > 0 ? 'frozen' : 'baseline', images: s.epochs! * work.trainSubset, start, end });
        if (s.kind === 'eval') spans.push({ kind: 'eval', images: 5 * work.testSubset, start, end });
      }
    };
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } });
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d: string) => {
        const at = performance.now();
        pending += d;
        const lines = pending.split('\n');
        pending = lines.pop()!;
        for (const l of lines) onLine(l, at);
      });
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', resolve);
    });
    const processSeconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`mfx run exited with ${code}:\n${stderr.slice(-2000)}`);
    const [maxRssKiB, user, sys] = useTime ? readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number) : [NaN, NaN, NaN];
    return {
      baselineTrainImagesPerSec: rate(spans, 'baseline'),
      frozenTrainImagesPerSec: rate(spans, 'frozen'),
      baselineTrainImagesPerCpuSecond: NaN, // per-phase CPU time is not observable from outside the process
      evalImagesPerSec: rate(spans, 'eval'),
      experimentSeconds: (lastArm - firstArm) / 1000,
      processSeconds,
      peakRssMiB: maxRssKiB / 1024,
      cpuSeconds: user + sys,
      images: spans.reduce((n, s) => n + s.images, 0),
      accuracy,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
