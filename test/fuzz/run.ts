// `npm run fuzz -- [--count N] [--seed S] [--hang-ms MS] [--out DIR]`: fuzzes the front end
// and prints the counts (inputs, crashes, broken invariants, hangs, slowest input). Failing
// inputs are written to DIR (default fuzz-failures/) to reproduce with `mfx check FILE`.
// Exit 1 when anything failed.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runFuzz } from './harness.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '19' },
    'hang-ms': { type: 'string', default: '2000' },
    out: { type: 'string', default: 'fuzz-failures' },
  },
});
const count = Number(values.count);
const seed = Number(values.seed);
const hangMs = Number(values['hang-ms']);
if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(seed) || !(hangMs > 0)) {
  process.stderr.write('usage: npm run fuzz -- [--count N] [--seed S] [--hang-ms MS] [--out DIR]\n');
  process.exit(2);
}
const started = performance.now();
const report = runFuzz(count, seed, { hangMs, keep: 50, onProgress: (n) => n % 10000 === 0 && process.stderr.write(`  ${n} inputs\n`) });
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `fuzzed ${report.inputs} inputs (seed ${seed}) in ${seconds.toFixed(1)} s: ` +
    `${report.crashes} crashes, ${report.invariantFailures} broken invariants, ${report.hangs} hangs (> ${hangMs} ms); slowest input ${report.slowestMs.toFixed(0)} ms\n`,
);
if (report.failures.length > 0) {
  mkdirSync(values.out!, { recursive: true });
  report.failures.forEach((f, i) => {
    const file = path.join(values.out!, `${String(i).padStart(3, '0')}-${f.kind}.mfx`);
    writeFileSync(file, f.input);
    process.stdout.write(`${file}: ${f.kind}: ${f.message.split('\n')[0]}\n`);
  });
  process.exitCode = 1;
}
