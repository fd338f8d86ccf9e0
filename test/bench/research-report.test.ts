// The research-code comparison: bench/torch-arms.ts's research arms are examples/research-code.mfx's,
// and bench/research-report.ts reads an mfx run, merges PyTorch files per seed and words the tables.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { comparison } from '../../bench/research-report.js';
import { duration, loadMfxRun, loadSpeedSlice, loadTorchRuns } from '../../bench/research-report-inputs.js';
import { benchArms, torchArmsMfx } from '../../bench/torch-arms.js';
import { compile } from '../../compiler/index.js';

const SLICE = new URL('../../docs/results/research-code/slice-2x2.results.json', import.meta.url).pathname;
const SPEED = new URL('../../docs/results/research-code/speed-slice.compare.json', import.meta.url).pathname;

describe('bench --net research', () => {
  it('generates examples/research-code.mfx\'s five arms, settings and steps (one seed)', () => {
    const text = torchArmsMfx({ net: 'research', arms: benchArms('research'), epochs: 10, lr: 0.01, momentum: 0.5, batch: 64, seed: 42 });
    const bench = compile(text, 'bench.mfx');
    expect(bench.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const example = compile(readFileSync(new URL('../../examples/research-code.mfx', import.meta.url), 'utf8'), 'research-code.mfx').plan!;
    const steps = (p: typeof example) => p.arms.map((a) => [a.name, a.steps.map(({ stateKey: _k, source: _s, ...s }) => s)]);
    expect(steps(bench.plan!)).toEqual(steps(example));
    expect(bench.plan!.model).toEqual(example.model);
    expect(bench.plan!.seeds).toEqual([42]);
  });

  it('rejects an arm the net does not have', () => {
    expect(() => torchArmsMfx({ net: 'research', arms: ['baseline'], epochs: 1, lr: 0.01, momentum: 0.5, batch: 64, seed: 1 })).toThrow(/--net research/);
  });
});

function torchFile(dir: string, name: string, seed: number, arms: Record<string, number[]>, epochs = 2): string {
  const sets = ['unmodified', 'hcut', 'vcut', 'dcut', 'tcut'];
  const results = Object.fromEntries(Object.entries(arms).map(([arm, acc]) => [arm, {
    accuracy: Object.fromEntries(sets.map((s, i) => [s, acc[i]])), images_trained: 8000,
  }]));
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify({
    config: { net: 'research', epochs, lr: 0.01, momentum: 0.5, batch: 64, seed, threads: 1, train_subset: 4000, test_subset: 1000 },
    torch_version: '1.13', arms: Object.keys(arms), complete: true, total_wall_seconds: 100, total_cpu_seconds: 40,
    loadavg_start: 1, loadavg_end: 2, results,
  }));
  return file;
}

describe('bench/research-report.ts', () => {
  it('reads an mfx run\'s final accuracies per arm, seed and test set', () => {
    const mfx = loadMfxRun(SLICE, null);
    expect(mfx.seeds).toEqual([42]);
    expect(mfx.acc.get('normal/42/unmodified')).toBeCloseTo(85.6, 6);
    expect(mfx.acc.get('hybrid_alt/42/tcut')).toBeCloseTo(29.4, 6);
    expect(mfx.acc.size).toBe(25);
  });

  it('reads a run that has not finished from its events.jsonl (results.json is a "stopped" snapshot until the end)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mfx-research-report-'));
    const ev = (o: object) => JSON.stringify(o);
    const evals = ['unmodified', 'hcut', 'vcut', 'dcut', 'tcut'].map((t, i) =>
      ev({ type: 'eval-result', arm: 'normal', seed: 42, label: 'final', testSet: `pmnist.${t}`, accuracy: 0.5 + i / 100, n: 10, predicted: [8, 2] }));
    writeFileSync(path.join(dir, 'events.jsonl'), [
      ev({ type: 'run-start', time: '2026-11-30T21:52:28.196Z', title: 't', file: 'examples/research-code.mfx', backend: 'wasm', seeds: [42, 43] }),
      ev({ type: 'epoch-end', arm: 'normal', seed: 42 }), ...evals, ''].join('\n'));
    writeFileSync(path.join(dir, 'results.json'), JSON.stringify({ status: 'stopped', seeds: [42, 43], evals: [], subset: { train: null, test: null } }));
    const mfx = loadMfxRun(dir, null);
    expect(mfx.acc.get('normal/42/hcut')).toBeCloseTo(51, 6);
    expect(mfx.trainImages).toBe(60000);
    expect(mfx.classShare.get('normal')).toBeCloseTo(0.8, 6);
    expect(mfx.describe[0]).toContain('not finished');
    const text = comparison(mfx, loadTorchRuns([]), null, []);
    expect(text).toContain('no results yet for negative_relu, hybrid, hybrid_nr, hybrid_alt');
  });

  it('merges PyTorch files of one seed (two queues) and refuses an arm twice or different settings', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mfx-research-report-'));
    const a = torchFile(dir, 'a.json', 42, { normal: [90, 40, 50, 60, 30], hybrid: [91, 45, 50, 60, 30] });
    const b = torchFile(dir, 'b.json', 42, { negative_relu: [89, 41, 52, 61, 31] });
    const t = loadTorchRuns([a, b]);
    expect(t.seeds).toEqual([42]);
    expect(t.acc.get('negative_relu/42/vcut')).toBe(52);
    expect(t.trainImages).toBe(24000);
    expect(t.cpuSeconds).toBe(80);
    expect(() => loadTorchRuns([a, a])).toThrow(/also in another file/);
    const other = torchFile(dir, 'c.json', 43, { normal: [90, 40, 50, 60, 30] }, 3);
    expect(() => loadTorchRuns([a, other])).toThrow(/differ/);
  });

  it('words mean ± std, paired Deltas, the mnist.txt differences and the collapse check', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mfx-research-report-'));
    const files = [42, 43].map((seed) => torchFile(dir, `s${seed}.json`, seed, {
      normal: [99, 40 + seed - 42, 50, 60, 30],
      hybrid_nr: [seed === 42 ? 11 : 98, 44, 50, 60, 30],
    }));
    const text = comparison(loadMfxRun(SLICE, 51), loadTorchRuns(files), null, []);
    // PyTorch normal hcut over seeds 42, 43: 40 and 41 → 40.50 ± 0.71; mnist.txt 44.71.
    expect(text).toContain('| normal | hcut | 44.71 | 43.40 (1 seed) | 40.50 ± 0.71 |');
    // Paired Delta hybrid_nr − normal on hcut: 4 and 3 → +3.50 ± 0.71.
    expect(text).toMatch(/\| hybrid_nr \| hcut \| \+11\.36 \| [^|]+ \| \+3\.50 ± 0\.71 \|/);
    expect(text).toContain('| hybrid_nr | 86.60 |');
    expect(text).toContain('1 arm(s) below 50%');
    expect(text).toContain('wall times are');
  });

  it('without PyTorch files marks its columns "not run" and gives the command and an estimate from the speed slice', () => {
    const speed = loadSpeedSlice(SPEED);
    expect(speed.torchTrainPerCpuSecond).toBeGreaterThan(0);
    const text = comparison(loadMfxRun(SLICE, null), loadTorchRuns([]), speed, []);
    expect(text).toContain('### PyTorch: not run here');
    expect(text).toContain('--net research');
    expect(text).toContain('run 42 & wait');
    expect(text).toMatch(/\| normal \| hcut \| 44\.71 \| 43\.40 \(1 seed\) \| not run \| -1\.31 \| not run \| not run \|/);
    // 1 seed x 50 epochs x 60,000 images at the slice's measured rate.
    expect(text).toContain(`≈ ${duration(3_000_000 / speed.torchTrainPerCpuSecond)} of CPU`);
    expect(text).toContain('**No arm collapses** in mfx');
    expect(text).toContain('### Speed, interleaved slice');
    expect(text).not.toMatch(/^\| PyTorch \|/m);
  });

  it('words durations for seconds, minutes and hours', () => {
    expect(duration(42)).toBe('42 s');
    expect(duration(425)).toBe('7 min 05 s');
    expect(duration(7980)).toBe('2 h 13 min');
  });
});
