// Benchmark: what `mfx check` does to a file (parse, compile, render diagnostics), on a
// generated 5,000-line program (settings, a model block, a shared prefix, hundreds of arms with
// comments). Prints the median of 7 runs after a warm-up; `npm run bench` runs it.
// A second program expands sweeps to 1,000 arms (the most a file may have): the target is under
// 0.5 s per check in process.
// Usage: npx tsx bench/check.ts [lines]
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { renderDiagnostics } from '../cli/diagnostics/render.js';
import { compile } from '../compiler/index.js';

/** A valid program of about `lines` lines that exercises every phase of the compiler. */
export function generateProgram(lines: number): string {
  const out = [
    '# generated benchmark program',
    'experiment "check benchmark"',
    'seed 1',
    'optimizer sgd lr 0.01 momentum 0.5',
    'model {',
    '  conv1: conv 10 5x5',
    '  pool 2',
    '  relu',
    '  conv2: conv 20 5x5',
    '  dropout2d 0.5',
    '  pool 2',
    '  relu',
    '  flatten',
    '  fc1: dense 50',
    '  relu',
    '  dropout 0.5',
    '  fc2: dense 10',
    '}',
    'pretrain 2  # shared by every arm',
  ];
  const acts = ['relu6', 'sigmoid', 'tanh'];
  for (let i = 0; out.length < lines - 2; i++) {
    out.push(
      '',
      `# variant ${i}`,
      `arm v${i} {`,
      `  freeze conv*${i % 2 === 0 ? '' : '.weight'}`,
      `  invert ${acts[i % acts.length]}`,
      `  reset fc${(i % 2) + 1}`,
      `  lr 0.00${(i % 9) + 1}`,
      `  train ${(i % 5) + 1}${i % 3 === 0 ? ' alternate' : ''}`,
      `  eval pmnist.hcut, pmnist-fill.* as mid`,
      '  train 1',
      '}',
    );
  }
  out.push('', 'eval pmnist.*');
  return `${out.join('\n')}\n`;
}

/** Sweeps that expand one template to 4 x 10 x 5 x 5 = 1,000 arms. */
export function generateSweepProgram(): string {
  const values = (n: number, f: (i: number) => string) => `[${Array.from({ length: n }, (_, i) => f(i)).join(', ')}]`;
  return [
    '# generated sweep benchmark: 1,000 arms',
    'experiment "sweep benchmark"',
    'sweep act in [relu, relu6, sigmoid, tanh]',
    `sweep rate in ${values(10, (i) => String((i + 1) / 1000))}`,
    `sweep conv in ${values(5, (i) => `0.000${i + 1}`)}`,
    `sweep n in ${values(5, (i) => String(i + 1))}`,
    'pretrain 2  # shared by every arm',
    'arm hybrid-$act-$rate-$conv-$n {',
    '  freeze conv*',
    '  reset fc*',
    '  invert $act',
    '  lr $rate',
    '  train $n',
    '  unfreeze conv*',
    '  lr $conv for conv*',
    '  train 1',
    '}',
    'eval pmnist.*',
    '',
  ].join('\n');
}

/** Median of 7 timed checks after a warm-up. */
function measure(name: string, text: string): void {
  const actual = text.split('\n').length - 1;
  compile(text, 'bench.mfx'); // warm-up (JIT, Chevrotain's lookahead caches)
  const times: number[] = [];
  const cpu: number[] = [];
  let arms = 0;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const { plan, diagnostics } = compile(text, 'bench.mfx');
    renderDiagnostics(diagnostics, text, 'bench.mfx', { color: false });
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    if (!plan) throw new Error(`benchmark program does not compile: ${diagnostics[0]?.message}`);
    arms = plan.arms.length;
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  // CPU time (this process, GC threads included) is the fairer figure on a shared, loaded machine.
  const cpuMedian = cpu[Math.floor(cpu.length / 2)];
  console.log(
    `${name}: ${actual} lines, ${arms} arms: median ${median.toFixed(0)} ms (min ${times[0].toFixed(0)} ms, max ${times[times.length - 1].toFixed(0)} ms, 7 runs); CPU median ${cpuMedian.toFixed(0)} ms`,
  );
}

function main(): void {
  measure('check', generateProgram(Number(process.argv[2] ?? 5000)));
  measure('check (sweeps)', generateSweepProgram());
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
