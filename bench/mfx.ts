// The mfx side of `npm run bench`.
//
// PLUG-IN POINT: today this runs the bench's own reference net (bench/micro-experiment.ts:
// plain tfjs-core ops on wasm with runtime/backend/wasm-kernels, arms spread over `jobs`
// worker threads). When `mfx run` can run the experiment on a subset, replace
// `mfxSideCommand` (and the parsing of its output in `runMfxSide`) so that it runs
// `mfx run` on an equivalent .mfx file and reads the figures from its run folder / events;
// everything else (interleaving, medians, ratios, JSON) stays as it is.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchWork, SideFigures } from './figures.js';

const benchDir = path.dirname(fileURLToPath(import.meta.url));

export const MFX_SIDE_DESCRIPTION = 'bench reference net (tfjs-core ops, wasm + runtime/backend/wasm-kernels), arms on worker threads';

function mfxSideCommand(work: BenchWork, jobs: number): { cmd: string; args: string[] } {
  return {
    cmd: process.execPath,
    args: ['--import', 'tsx', path.join(benchDir, 'micro-experiment.ts'), '--work', JSON.stringify(work), '--jobs', String(jobs)],
  };
}

export async function runMfxSide(work: BenchWork, jobs: number): Promise<SideFigures> {
  const { cmd, args } = mfxSideCommand(work, jobs);
  const started = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(cmd, args, { cwd: path.dirname(benchDir), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, stdout, stderr }));
    },
  );
  const processSeconds = (performance.now() - started) / 1000;
  const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (code !== 0 || line === undefined) {
    throw new Error(`the mfx side exited with ${code}:\n${(stderr + stdout).slice(-2000)}`);
  }
  return { ...(JSON.parse(line) as SideFigures), processSeconds };
}
