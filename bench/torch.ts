// The PyTorch side: bench/torch_reference.py (the research code's setup, mfx's comparator), run
// unchanged through bench/torch_phases.py, which times its phases from the outside.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchWork, PhaseSpan, SideFigures } from './figures.js';
import { cpuRate, rate } from './figures.js';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
export const TORCH_SCRIPT = path.join(benchDir, 'torch_reference.py');
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Why the PyTorch side cannot run here, or null when it can. */
export function torchUnavailable(): string | null {
  if (!existsSync(TORCH_SCRIPT)) return `${TORCH_SCRIPT} not found`;
  const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} not runnable (${probe.error.message})`;
  if (probe.status !== 0) return `PyTorch is not installed for ${PYTHON} (apt-get install -y python3-torch)`;
  return null;
}

export function torchVersion(): string {
  const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return probe.stdout.trim();
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

export async function runTorchSide(work: BenchWork, threads: number, dataDir: string): Promise<SideFigures> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mfx-bench-torch-'));
  try {
    const phasesFile = path.join(dir, 'phases.json');
    const resultsFile = path.join(dir, 'results.json');
    const started = performance.now();
    const { code, output } = await run(PYTHON, [
      path.join(benchDir, 'torch_phases.py'), TORCH_SCRIPT, phasesFile,
      '--data', dataDir, '--net', work.net, '--epochs', String(work.epochs), '--arms', work.arms.join(','),
      '--lr', String(work.lr), '--momentum', String(work.momentum), '--batch', String(work.batch),
      '--seed', String(work.seed), '--threads', String(threads),
      '--train-subset', String(work.trainSubset), '--test-subset', String(work.testSubset),
      '--json', resultsFile,
    ]);
    const processSeconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`torch_reference.py exited with ${code}:\n${output.slice(-2000)}`);
    const phases = JSON.parse(readFileSync(phasesFile, 'utf8')) as { spans: PhaseSpan[]; maxrss_kib: number; cpu_seconds: number };
    const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as {
      results: Record<string, { accuracy: Record<string, number> }>;
    };
    const spans = phases.spans;
    const accuracy: Record<string, number> = {};
    for (const [arm, r] of Object.entries(results.results)) accuracy[arm] = r.accuracy.unmodified;
    return {
      baselineTrainImagesPerSec: rate(spans, 'baseline'),
      frozenTrainImagesPerSec: rate(spans, 'frozen'),
      baselineTrainImagesPerCpuSecond: threads === 1 ? cpuRate(spans, 'baseline') : NaN,
      evalImagesPerSec: rate(spans, 'eval'),
      experimentSeconds: (Math.max(...spans.map((s) => s.end)) - Math.min(...spans.map((s) => s.start))) / 1000,
      processSeconds,
      peakRssMiB: phases.maxrss_kib / 1024,
      cpuSeconds: phases.cpu_seconds,
      images: spans.reduce((n, s) => n + s.images, 0),
      accuracy,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
