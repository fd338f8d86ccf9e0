// `npm run bench -- startup`: how long `mfx` takes to start, as whole processes (spawn to exit),
// medians of --runs (10) interleaved runs, next to `node -e 0` (Node's own start) so a loaded
// machine shows as a larger baseline rather than as a slower mfx. Runs the compiled code
// (bin/mfx.js → dist/), which `npm run bench` builds first.
//   version   node bin/mfx.js --version                                  target ≤ 0.15 s
//   check     node bin/mfx.js check examples/quickstart.mfx              target ≤ 0.3 s
//   check-5k  node bin/mfx.js check <generated 5,000-line file>          target ≤ 0.5 s
//   run       node bin/mfx.js run examples/quickstart.mfx (full MNIST), spawn to the first
//             `batch` event on the JSON reporter (the first training batch done)  target ≤ 1.5 s
// Usage: node --import tsx bench/startup.ts [--runs 10] [--only version,check,...]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateProgram } from './check.js';
import { median } from './figures.js';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDir);
const mfx = path.join(root, 'bin', 'mfx.js');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, only: { type: 'string' } } });
const runs = Math.max(1, Number(values.runs));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'mfx-startup-'));
const bigFile = path.join(tmp, 'check-5000.mfx');
writeFileSync(bigFile, generateProgram(5000));

interface Case {
  name: string;
  command: string;
  target: number | null;
  args: () => string[];
  /** Resolves when the process is "done" for this figure: its exit, or a line on stdout. */
  until?: RegExp;
}
let runNo = 0;
const CASES: Case[] = [
  { name: 'node', command: 'node -e 0', target: null, args: () => ['-e', '0'] },
  { name: 'version', command: 'mfx --version', target: 0.15, args: () => [mfx, '--version'] },
  { name: 'check', command: 'mfx check examples/quickstart.mfx', target: 0.3, args: () => [mfx, 'check', 'examples/quickstart.mfx'] },
  { name: 'check-5k', command: 'mfx check <5,000-line file>', target: 0.5, args: () => [mfx, 'check', bigFile] },
  {
    name: 'run',
    command: 'mfx run quickstart (full MNIST) to 1st batch',
    target: 1.5,
    args: () => [mfx, 'run', 'examples/quickstart.mfx', '--reporter', 'json', '--no-cache', '--no-report', '--out', path.join(tmp, `run-${runNo++}`)],
    until: /"type":"batch"/,
  },
];
const chosen = values.only ? CASES.filter((c) => c.name === 'node' || values.only!.split(',').includes(c.name)) : CASES;

/** Seconds from spawn to exit (or to the first stdout chunk matching `until`, then the process is killed). */
function time(c: Case): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, c.args(), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MFX_CACHE_DIR: 'off' } });
    let out = '';
    let err = '';
    let seen = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (c.until && !seen && c.until.test(out)) {
        seen = true;
        resolve((performance.now() - t0) / 1000);
        child.kill();
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (seen) return;
      if (code !== 0 || c.until) reject(new Error(`${c.command} exited with ${code}${c.until ? ' before its mark' : ''}:\n${err.slice(-2000)}`));
      else resolve((performance.now() - t0) / 1000);
    });
  });
}

const times = new Map<string, number[]>(chosen.map((c) => [c.name, []]));
const loads: number[] = [];
for (let i = 0; i < runs; i++) {
  loads.push(os.loadavg()[0]);
  // Interleaved: a change in the machine's load hits every figure alike.
  for (const c of chosen) times.get(c.name)!.push(await time(c));
  process.stderr.write(`\rrun ${i + 1}/${runs}`);
}
process.stderr.write('\n');
rmSync(tmp, { recursive: true, force: true });

const node = median(times.get('node')!);
const rows = chosen.map((c) => {
  const t = times.get(c.name)!;
  const m = median(t);
  return { name: c.name, command: c.command, median: m, min: Math.min(...t), max: Math.max(...t), vsNode: m / node, target: c.target, met: c.target === null ? null : m <= c.target };
});
const log = (s = '') => process.stdout.write(`${s}\n`);
log(`== start-up: medians of ${runs} runs (spawn to exit), ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
log(`${'figure'.padEnd(46)}${'median'.padStart(8)}${'min'.padStart(8)}${'max'.padStart(8)}${'x node'.padStart(8)}${'target'.padStart(8)}`);
for (const r of rows) {
  const s = (v: number) => `${v.toFixed(3)}`.padStart(8);
  log(`${r.command.padEnd(46)}${s(r.median)}${s(r.min)}${s(r.max)}${r.vsNode.toFixed(1).padStart(8)}${(r.target === null ? '' : `${r.target}${r.met ? ' ok' : ' NO'}`).padStart(8)}`);
}
log(`machine load (1-min average before each round): ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} on ${os.cpus().length} cores` +
  `${Math.max(...loads) > os.cpus().length * 0.75 ? ' — busy: the "x node" column is the steadier figure' : ''}`);
const outDir = path.join(benchDir, 'out');
mkdirSync(outDir, { recursive: true });
const outFile = path.join(outDir, `startup-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(outFile, `${JSON.stringify({ date: new Date().toISOString(), machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version }, runs, loads, rows, times: Object.fromEntries(times) }, null, 2)}\n`);
log(`wrote ${path.relative(process.cwd(), outFile)}`);
