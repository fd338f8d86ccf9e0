// Benchmark: what `mfx check` does to a file (parse, compile, render diagnostics), on a
// generated 5,000-line program (settings, a model block, a shared prefix, hundreds of arms with
// comments). Prints the median of 7 runs after a warm-up; `npm run bench` runs it.
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

function main(): void {
  const lines = Number(process.argv[2] ?? 5000);
  const text = generateProgram(lines);
  const actual = text.split('\n').length - 1;
  compile(text, 'bench.mfx'); // warm-up (JIT, Chevrotain's lookahead caches)
  const times: number[] = [];
  let arms = 0;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const { plan, diagnostics } = compile(text, 'bench.mfx');
    renderDiagnostics(diagnostics, text, 'bench.mfx', { color: false });
    times.push(performance.now() - t0);
    if (!plan) throw new Error(`benchmark program does not compile: ${diagnostics[0]?.message}`);
    arms = plan.arms.length;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`check: ${actual} lines, ${arms} arms: median ${median.toFixed(0)} ms (min ${times[0].toFixed(0)} ms, max ${times[times.length - 1].toFixed(0)} ms, 7 runs)`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
