// The front-end fuzzer (issue 19): grammar-aware programs (program-arbitrary.ts), byte
// mutations of them and of the examples, and hostile shapes (deep nesting, huge numbers,
// control characters, BOMs, CR line ends). Each input is compiled and formatted, and every
// invariant the front end promises is checked: no exception, every diagnostic inside its text,
// at most MAX_DIAGNOSTICS + 1 of them, no raw control character in a message, and `fmt`
// output that parses cleanly and formats to itself. Deterministic for a seed. Used by
// test/fuzz/fuzz.test.ts (a few thousand inputs in CI) and `npm run fuzz` (test/fuzz/run.ts).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { compile, MAX_DIAGNOSTICS_SHOWN, parse, print } from './front-end.js';
import { programText } from '../grammar/program-arbitrary.js';
import { createPrng } from '../../runtime/data/prng.js';

export interface FuzzFailure {
  kind: 'crash' | 'invariant' | 'hang';
  input: string;
  message: string;
}

export interface FuzzReport {
  inputs: number;
  crashes: number;
  invariantFailures: number;
  hangs: number;
  slowestMs: number;
  failures: FuzzFailure[];
}


const EXAMPLES_DIR = path.resolve(import.meta.dirname, '../../examples');
const examples = (): string[] =>
  readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.mfx'))
    .sort()
    .map((f) => readFileSync(path.join(EXAMPLES_DIR, f), 'utf8'));

/** Characters a hostile file may hold: structure, escapes, invisible and multi-byte ones. */
const NASTY = ['{', '}', '{', '"', '\\', ';', '\n', '\r', '\r\n', '\t', '#', ',', ':', '\u0000', '\u001b', '\u0007', '\u007f', '\ufeff', '\u202e', '\u200b', '\ud800', 'é', '😀', '1e308', '-0', '9'.repeat(40), '*', '.', 'x', '+'];

/** One random edit of `text`: flip, insert, delete, duplicate (nesting grows) or truncate. */
function mutate(text: string, rnd: () => number): string {
  const at = () => Math.floor(rnd() * (text.length + 1));
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  switch (Math.floor(rnd() * 6)) {
    case 0: {
      const i = at();
      return text.slice(0, i) + String.fromCharCode(Math.floor(rnd() * 256)) + text.slice(i + 1);
    }
    case 1: {
      const i = at();
      return text.slice(0, i) + pick(NASTY) + text.slice(i);
    }
    case 2: {
      const i = at();
      return text.slice(0, i) + text.slice(i + 1 + Math.floor(rnd() * 20));
    }
    case 3: {
      const i = at();
      const piece = text.slice(i, i + 1 + Math.floor(rnd() * 40));
      return text.slice(0, i) + piece.repeat(1 + Math.floor(rnd() * 8)) + text.slice(i);
    }
    case 4:
      return text.slice(0, at());
    default: {
      // Random bytes decoded as UTF-8, as a binary file would be.
      const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256)));
      const i = at();
      return text.slice(0, i) + bytes.toString('utf8') + text.slice(i);
    }
  }
}

/** Shapes no generator reaches by chance. */
function hostile(rnd: () => number): string {
  const n = 1 + Math.floor(rnd() * 600);
  switch (Math.floor(rnd() * 7)) {
    case 6: {
      // Sweep grids up to 600^3 arms: the bound must be counted, never built.
      const values = (k: number) => `[${Array.from({ length: k }, (_, i) => String(i + 1)).join(', ')}]`;
      return `sweep a in ${values(n)}\nsweep b in ${values(1 + Math.floor(rnd() * n))}\nsweep c in ${values(1 + Math.floor(rnd() * n))}\narm x-$a-$b-$c { train $a; lr $b; train $c; eval pmnist.* }\n`;
    }
    case 0:
      return 'arm a {\n'.repeat(n);
    case 1:
      return 'model {\n'.repeat(n) + '}\n'.repeat(Math.floor(rnd() * (n + 1)));
    case 2:
      return `repeat 1e${Math.floor(rnd() * 400)}\ntrain 1e${Math.floor(rnd() * 400)}\nbatch ${'9'.repeat(1 + Math.floor(rnd() * 30))}\neval pmnist.*\n`;
    case 3:
      return `model {\n  c1: conv ${Math.floor(rnd() * 1e6)} ${1 + Math.floor(rnd() * 40)}x${1 + Math.floor(rnd() * 40)}\n  pool ${Math.floor(rnd() * 30)}\n  relu6\n  flatten\n  out: dense ${Math.floor(rnd() * 1e5)}\n}\ntrain 1\neval pmnist.*\n`;
    case 4:
      return Array.from({ length: n }, (_, i) => `arm a${i % 50} { train 1; eval pmnist.* }`).join(rnd() < 0.5 ? '\n' : '\r\n');
    default:
      return `\ufeff${'\u001b]0;PWNED\u0007\u001b[2J'.repeat(1 + Math.floor(rnd() * 5))}train 1\r\n`;
  }
}

const RAW_CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;

/** Compiles and formats one input; returns the broken invariant, or null. Throws on a crash. */
export function checkInput(text: string): string | null {
  const { diagnostics } = compile(text, 'fuzz.mfx');
  if (diagnostics.length > MAX_DIAGNOSTICS_SHOWN + 1) return `${diagnostics.length} diagnostics, more than the cap`;
  for (const d of diagnostics) {
    if (!(d.offset >= 0 && d.length >= 0 && d.offset + d.length <= text.length)) return `${d.code} at ${d.offset}+${d.length} outside a text of ${text.length}`;
    if (RAW_CONTROL.test(`${d.message}${d.hint ?? ''}`)) return `${d.code} message holds a raw control character`;
  }
  const parsed = parse(text, 'fuzz.mfx');
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return null;
  const formatted = print(parsed.ast);
  const again = parse(formatted, 'fuzz.mfx');
  if (again.diagnostics.some((d) => d.severity === 'error')) return `fmt output does not parse: ${again.diagnostics[0].message}`;
  if (print(again.ast) !== formatted) return 'fmt is not idempotent';
  return null;
}

/** The `count` inputs of `seed`: a third grammar-aware, a third mutated, the rest mutated examples and hostile shapes. */
export function* fuzzInputs(count: number, seed: number): Generator<string> {
  const rnd = createPrng(seed).float; // mulberry32: a seed names the same inputs everywhere
  const seeds = examples();
  const CHUNK = 500;
  for (let made = 0, chunk = 0; made < count; chunk++) {
    const programs = fc.sample(programText, { seed: seed + chunk, numRuns: CHUNK });
    for (const program of programs) {
      if (made >= count) return;
      const r = rnd();
      let text: string;
      if (r < 0.34) text = program;
      else if (r < 0.67) {
        text = program;
        for (let k = 1 + Math.floor(rnd() * 4); k > 0; k--) text = mutate(text, rnd);
      } else if (r < 0.92) {
        text = seeds[Math.floor(rnd() * seeds.length)];
        for (let k = 1 + Math.floor(rnd() * 4); k > 0; k--) text = mutate(text, rnd);
      } else text = hostile(rnd);
      made++;
      yield text;
    }
  }
}

/** Runs the fuzzer; an input that takes longer than `hangMs` counts as a hang. */
export function runFuzz(count: number, seed: number, options: { hangMs?: number; keep?: number; onProgress?: (done: number) => void } = {}): FuzzReport {
  const hangMs = options.hangMs ?? 2000;
  const keep = options.keep ?? 20;
  const report: FuzzReport = { inputs: 0, crashes: 0, invariantFailures: 0, hangs: 0, slowestMs: 0, failures: [] };
  const record = (f: FuzzFailure) => {
    if (report.failures.length < keep) report.failures.push(f);
  };
  for (const text of fuzzInputs(count, seed)) {
    const start = performance.now();
    try {
      const broken = checkInput(text);
      if (broken) {
        report.invariantFailures++;
        record({ kind: 'invariant', input: text, message: broken });
      }
    } catch (err) {
      report.crashes++;
      record({ kind: 'crash', input: text, message: (err as Error)?.stack ?? String(err) });
    }
    const ms = performance.now() - start;
    report.slowestMs = Math.max(report.slowestMs, ms);
    if (ms > hangMs) {
      report.hangs++;
      record({ kind: 'hang', input: text, message: `${ms.toFixed(0)} ms` });
    }
    report.inputs++;
    if (options.onProgress && report.inputs % 1000 === 0) options.onProgress(report.inputs);
  }
  return report;
}
