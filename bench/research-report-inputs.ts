// Reading what bench/research-report.ts compares: an mfx run folder, PyTorch JSON files from
// bench/torch_reference.py --net research, a CPU-time log of the mfx process, and the
// interleaved speed slice of `npm run bench` (bench/out/compare-*.json).
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** One side of the comparison: accuracies per arm/seed/test set and what the run cost. */
export interface Side {
  name: string;
  seeds: number[];
  /** `${arm}/${seed}/${testSet}` → accuracy %, testSet without the `pmnist.` prefix. */
  acc: Map<string, number>;
  /** arm → the largest share of unmodified test images given one class, worst seed (mfx events only). */
  classShare: Map<string, number>;
  wallSeconds: number;
  cpuSeconds: number;
  trainImages: number;
  describe: string[];
  timeNotes: string[];
}

const MNIST_TRAIN = 60000;

/** A duration: "42 s", "7 min 05 s", "2 h 13 min". */
export function duration(s: number): string {
  if (!Number.isFinite(s)) return '–';
  if (s < 100) return `${s.toFixed(0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.round((s % 3600) / 60)).padStart(2, '0')} min`;
}
const hm = duration;

function readJson<T>(file: string, what: string): T {
  if (!existsSync(file)) throw new Error(`${file} not found (${what})`);
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

interface MfxResults {
  title: string;
  file: string;
  backend: string;
  subset: { train: number | null; test: number | null };
  seeds: number[];
  startedAt: string;
  seconds: number;
  status: string;
  evals: { arm: string; seed: number; label: string; testSet: string; accuracy: number; n: number }[];
}

interface MfxEvent {
  type: string;
  arm?: string;
  seed?: number;
  label?: string;
  testSet?: string;
  predicted?: number[];
}

/** CPU seconds (user + system) at the last sample of bench's `mfx-cpu.log` lines (`... user_s=N sys_s=M`). */
export function cpuLog(file: string): number {
  const samples = readFileSync(file, 'utf8').split('\n').map((l) => /user_s=(\d+) sys_s=(\d+)/.exec(l)).filter((m) => m !== null);
  if (samples.length === 0) throw new Error(`${file}: no "user_s=N sys_s=M" lines`);
  const last = samples[samples.length - 1]!;
  return Number(last[1]) + Number(last[2]);
}

/** An mfx run folder (or its results.json): final evals, and from events.jsonl the epochs trained and predicted classes. */
/** A run not finished (results.json missing or not "done"): what its events.jsonl says so far. */
function partialResults(dir: string): MfxResults {
  const eventsFile = path.join(dir, 'events.jsonl');
  if (!existsSync(eventsFile)) throw new Error(`${dir} has neither results.json nor events.jsonl: not an mfx run folder`);
  const lines = readFileSync(eventsFile, 'utf8').split('\n');
  const start = JSON.parse(lines[0]) as { type: string; time: string; title: string; file: string; backend: string; seeds: number[] };
  if (start.type !== 'run-start') throw new Error(`${eventsFile} does not start with a run-start event`);
  const run = existsSync(path.join(dir, 'run.json')) ? readJson<{ subset: MfxResults['subset'] }>(path.join(dir, 'run.json'), '') : null;
  const evals = lines.filter((l) => l.startsWith('{"type":"eval-result"')).map((l) => JSON.parse(l) as MfxResults['evals'][number]);
  return {
    title: start.title, file: start.file, backend: start.backend, seeds: start.seeds, startedAt: start.time,
    subset: run?.subset ?? { train: null, test: null },
    seconds: statSync(eventsFile).mtimeMs / 1000 - Date.parse(start.time) / 1000,
    status: 'not finished (results.json not final): the numbers so far, from events.jsonl', evals,
  };
}

export function loadMfxRun(where: string, cpuSeconds: number | null): Side {
  const file = where.endsWith('.json') ? where : path.join(where, 'results.json');
  // A run writes results.json after each unit of work with status "stopped", and "done" at the
  // end; until then its events.jsonl is the fuller record.
  const saved = existsSync(file) ? readJson<MfxResults>(file, 'an mfx run') : null;
  const events = existsSync(path.join(path.dirname(file), 'events.jsonl'));
  const r = saved && (saved.status === 'done' || !events) ? saved : partialResults(path.dirname(file));
  const acc = new Map<string, number>();
  for (const e of r.evals) {
    if (e.label !== 'final') continue;
    acc.set(`${e.arm}/${e.seed}/${e.testSet.replace(/^pmnist\./, '')}`, 100 * e.accuracy);
  }
  const classShare = new Map<string, number>();
  let epochs = NaN;
  const eventsFile = path.join(path.dirname(file), 'events.jsonl');
  if (existsSync(eventsFile)) {
    epochs = 0;
    for (const line of readFileSync(eventsFile, 'utf8').split('\n')) {
      if (!line.startsWith('{"type":"e')) continue; // epoch-end and eval-result; skips the many batch events
      const e = JSON.parse(line) as MfxEvent;
      if (e.type === 'epoch-end') epochs++;
      if (e.type === 'eval-result' && e.label === 'final' && e.testSet === 'pmnist.unmodified' && e.predicted) {
        const share = Math.max(...e.predicted) / e.predicted.reduce((s, v) => s + v, 0);
        classShare.set(e.arm!, Math.max(classShare.get(e.arm!) ?? 0, share));
      }
    }
  }
  const trainN = r.subset.train ?? MNIST_TRAIN;
  const subset = r.subset.train === null && r.subset.test === null ? 'full MNIST' : `subsets ${r.subset.train ?? 'all'} train / ${r.subset.test ?? 'all'} test`;
  return {
    name: 'mfx',
    seeds: r.seeds,
    acc,
    classShare,
    wallSeconds: r.seconds,
    cpuSeconds: cpuSeconds ?? NaN,
    trainImages: epochs * trainN,
    describe: [`- mfx: \`${r.file}\`, ${r.backend}, seeds ${r.seeds.join(', ')}, ${subset}, started ${r.startedAt}, status ${r.status}, wall ${hm(r.seconds)}.`],
    timeNotes: [
      `- mfx: ${Number.isFinite(epochs) ? `${epochs} epochs trained in all (epoch-end events; the hybrids' pretraining is \`normal\`'s, computed once per seed)` : 'no events.jsonl next to results.json, so no epoch count'}` +
        `${cpuSeconds === null ? '; CPU time not recorded' : '; CPU time sampled from /proc once a minute while it ran, so up to a minute short'}.`,
    ],
  };
}

interface TorchFile {
  config: { net: string; epochs: number; lr: number; momentum: number; batch: number; seed: number; threads: number; train_subset: number; test_subset: number };
  torch_version: string;
  arms: string[];
  complete: boolean;
  total_wall_seconds: number;
  total_cpu_seconds: number;
  loadavg_start: number;
  loadavg_end: number;
  results: Record<string, { accuracy: Record<string, number>; images_trained: number; pretraining_shared?: boolean }>;
}

/** bench/torch_reference.py --net research --json files: one or more per seed (different arms), same settings. */
export function loadTorchRuns(files: string[]): Side {
  const acc = new Map<string, number>();
  const seeds = new Set<number>();
  const describe: string[] = [];
  let cpu = 0;
  let images = 0;
  let first = Infinity;
  let last = -Infinity;
  let settings: string | null = null;
  for (const file of files) {
    const t = readJson<TorchFile>(file, 'a bench/torch_reference.py --json file');
    if (t.config.net !== 'research') throw new Error(`${file}: --net ${t.config.net}, not research`);
    const { seed, threads, ...rest } = t.config;
    const these = JSON.stringify(rest);
    if (settings !== null && these !== settings) throw new Error(`${file}: settings ${these} differ from the other files' ${settings}`);
    settings = these;
    const done = Object.keys(t.results);
    for (const [arm, r] of Object.entries(t.results)) {
      for (const [ts, a] of Object.entries(r.accuracy)) {
        const key = `${arm}/${seed}/${ts}`;
        if (acc.has(key)) throw new Error(`${file}: arm ${arm} seed ${seed} is also in another file`);
        acc.set(key, a);
      }
      images += r.images_trained;
    }
    if (done.length) seeds.add(seed);
    cpu += t.total_cpu_seconds;
    // The file is rewritten after each arm: its modification time is when its last arm ended.
    const end = statSync(file).mtimeMs / 1000;
    first = Math.min(first, end - t.total_wall_seconds);
    last = Math.max(last, end);
    const missing = t.arms.filter((a) => !done.includes(a));
    describe.push(`  - \`${path.basename(file)}\`: seed ${seed}, arms ${done.join(', ') || 'none'}${missing.length ? ` (not finished: ${missing.join(', ')})` : ''}; ` +
      `${threads} thread; wall ${hm(t.total_wall_seconds)}, CPU ${hm(t.total_cpu_seconds)}; load average ${t.loadavg_start.toFixed(1)} at the start, ${t.loadavg_end.toFixed(1)} at the last arm.`);
  }
  const version = files.length ? readJson<TorchFile>(files[0], '').torch_version : '';
  return {
    name: 'PyTorch',
    seeds: [...seeds].sort((a, b) => a - b),
    acc,
    classShare: new Map(),
    wallSeconds: files.length ? last - first : NaN,
    cpuSeconds: files.length ? cpu : NaN,
    trainImages: files.length ? images : NaN,
    describe: files.length
      ? [`- PyTorch ${version}: \`bench/torch_reference.py --net research\`, ${settings ? JSON.parse(settings).epochs : '?'} epochs per phase, one JSON per seed and queue:`, ...describe]
      : ['- PyTorch: not run here (see below).'],
    timeNotes: files.length
      ? ['- PyTorch: wall is from the first file\'s start to the last file\'s end (files that ran side by side overlap); CPU is the sum over files; ' +
        'training images count every epoch each process trained (a queue that recomputed `normal`\'s 10 epochs for a hybrid counts them again).']
      : [],
  };
}

interface CompareFile {
  date: string;
  machine: { cpus: number; model: string; node: string; torch: string | null };
  work: { net: string; arms: string[]; trainSubset: number; testSubset: number; epochs: number };
  repeats: number;
  jobs: number[];
  summary: Record<string, Record<string, { mfx: number; torch: number | null; ratio: number | null }>>;
  runs: { side: string; jobs: number; repeat: number; loadavgBefore: number; figures: Record<string, number> }[];
  warnings: string[];
}

const SPEED_ROWS: [string, string, number][] = [
  ['baselineTrainImagesPerSec', 'training images/s (wall)', 0],
  ['evalImagesPerSec', 'evaluation images/s (wall)', 0],
  ['processSeconds', 'process wall s (start-up included)', 1],
  ['imagesPerCpuSecond', 'images per CPU-second', 0],
  ['peakRssMiB', 'peak memory MiB', 0],
];

export interface SpeedSlice {
  lines: string[];
  /** PyTorch's training images per CPU-second in the slice (1-thread runs only), NaN when not measured. */
  torchTrainPerCpuSecond: number;
  /** PyTorch's slowest and fastest training images/s (wall) over the slice's repeats. */
  torchTrainPerSecond: [number, number];
}

/** The medians of an interleaved `npm run bench -- --only-compare --net research` run, as Markdown lines. */
export function loadSpeedSlice(file: string): SpeedSlice {
  const c = readJson<CompareFile>(file, 'a bench/out/compare-*.json file');
  const w = c.work;
  const lines = [
    `\`npm run bench -- --only-compare --net ${w.net} --arms ${w.arms.join(',')} --train-subset ${w.trainSubset} --test-subset ${w.testSubset} ` +
      `--epochs ${w.epochs} --jobs ${c.jobs.join(',')} --repeats ${c.repeats}\` (${c.date.slice(0, 16)}Z, ${c.machine.cpus} × ${c.machine.model}, Node ${c.machine.node}, torch ${c.machine.torch}): ` +
      `each side in its own process, the sides alternating, ${c.repeats} repeats, medians; both sides trained ${w.trainSubset.toLocaleString('en-US')} images once and evaluated 5 × ${w.testSubset.toLocaleString('en-US')}.`,
    '',
  ];
  for (const jobs of c.jobs) {
    const table = c.summary[String(jobs)];
    lines.push(`${jobs} core(s) (PyTorch threads = mfx worker threads = ${jobs}):`, '', '| figure | mfx | PyTorch | mfx / PyTorch |', '| --- | ---: | ---: | ---: |');
    for (const [key, label, digits] of SPEED_ROWS) {
      const v = table[key];
      if (!v || !Number.isFinite(v.mfx)) continue;
      lines.push(`| ${label} | ${v.mfx.toFixed(digits)} | ${v.torch === null ? '–' : v.torch.toFixed(digits)} | ${v.ratio === null ? '–' : v.ratio.toFixed(2)} |`);
    }
    lines.push('');
  }
  const loads = c.runs.map((r) => r.loadavgBefore);
  lines.push(`Load average before each run: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} on ${c.machine.cpus} cores, ` +
    'so the wall figures are depressed and noisy; the ratios less so, since the sides alternated; CPU time is the steadier figure.');
  for (const side of ['mfx', 'torch']) {
    const own = c.runs.filter((r) => r.side === side);
    lines.push('', `${side === 'mfx' ? 'mfx' : 'PyTorch'} per repeat (in run order): ` + own.map((r) =>
      `${r.figures.processSeconds.toFixed(0)} s wall, ${r.figures.cpuSeconds.toFixed(1)} CPU-s (load ${r.loadavgBefore.toFixed(1)})`).join('; ') + '.');
  }
  for (const warning of c.warnings) lines.push('', `Bench warning: ${warning}`);
  const perCpu = c.summary['1']?.baselineTrainImagesPerCpuSecond?.torch;
  const rates = c.runs.filter((r) => r.side === 'torch').map((r) => r.figures.baselineTrainImagesPerSec);
  return {
    lines,
    torchTrainPerCpuSecond: typeof perCpu === 'number' ? perCpu : NaN,
    torchTrainPerSecond: rates.length ? [Math.min(...rates), Math.max(...rates)] : [NaN, NaN],
  };
}
