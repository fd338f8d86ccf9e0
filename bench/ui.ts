// Does the live UI slow training? Runs the same small `mfx run` with the Ink UI (in a
// pseudo-terminal, as a user sees it) and with `--reporter json`, interleaved, and compares
// training images/s read from each run folder's events.jsonl (epoch-end events: images over
// epoch seconds, so start-up and evaluation do not count). Medians of the repeats; the UI
// passes when it keeps at least 95% of the json reporter's rate.
//
//   node --import tsx bench/ui.ts [--repeats 3] [--train-subset 16384] [--backend wasm] [--file examples/quickstart.mfx]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RunEvent } from '../runtime/events.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    'train-subset': { type: 'string', default: '16384' },
    'test-subset': { type: 'string', default: '100' },
    backend: { type: 'string', default: 'wasm' },
    file: { type: 'string', default: 'examples/quickstart.mfx' },
  },
});

type Reporter = 'ink' | 'json';
const log = (s = '') => process.stdout.write(`${s}\n`);
const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;

function runOnce(reporter: Reporter, dir: string): Promise<{ code: number | null; seconds: number; output: string }> {
  const args = [path.join(root, 'bin/mfx.js'), 'run', values.file!, '--backend', values.backend!, '--train-subset', values['train-subset']!, '--test-subset', values['test-subset']!, '--out', dir, '--no-cache'];
  const started = performance.now();
  const child =
    reporter === 'ink'
      ? // util-linux script gives the run a terminal, so it picks the Ink UI by itself.
        spawn('script', ['-qfec', `stty cols 100 rows 40; exec ${[process.execPath, ...args].map(quote).join(' ')}`, '/dev/null'], {
          cwd: root,
          stdio: ['pipe', 'pipe', 'pipe'],
          env: { ...process.env, CI: undefined },
        })
      : spawn(process.execPath, [...args, '--reporter', 'json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  // Kept (both reporters write the same amount either way) to explain a failure.
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, seconds: (performance.now() - started) / 1000, output }));
  });
}

/** Training images per second over all epochs of the run. */
function trainingRate(dir: string): number {
  const events = readFileSync(path.join(dir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RunEvent);
  let images = 0;
  let seconds = 0;
  for (const e of events) {
    if (e.type !== 'epoch-end') continue;
    images += e.imagesPerSec * e.seconds;
    seconds += e.seconds;
  }
  if (seconds === 0) throw new Error(`no epochs in ${dir}`);
  return images / seconds;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const repeats = Math.max(1, Number(values.repeats));
const work = mkdtempSync(path.join(os.tmpdir(), 'mfx-bench-ui-'));
const rates: Record<Reporter, number[]> = { ink: [], json: [] };
log(`== bench/ui.ts: ${values.file} on ${values.backend}, --train-subset ${values['train-subset']}, ${repeats} repeats, interleaved`);
for (let i = 0; i < repeats; i++) {
  // Alternate which goes first so a warming or busier machine does not favour one side.
  const order: Reporter[] = i % 2 === 0 ? ['ink', 'json'] : ['json', 'ink'];
  for (const reporter of order) {
    const dir = path.join(work, `${reporter}-${i}`);
    const { code, seconds, output } = await runOnce(reporter, dir);
    if (code !== 0) throw new Error(`mfx run with the ${reporter} reporter exited with ${code} (run folder ${dir}):\n${output.slice(-2000)}`);
    const rate = trainingRate(dir);
    rates[reporter].push(rate);
    log(`  ${reporter.padEnd(4)} repeat ${i + 1}: ${rate.toFixed(1)} img/s training, ${seconds.toFixed(1)} s process`);
  }
}
const ink = median(rates.ink);
const json = median(rates.json);
const ratio = ink / json;
const within = ratio >= 0.95;
log(`  median: ink ${ink.toFixed(1)} img/s, json ${json.toFixed(1)} img/s, ink/json ${ratio.toFixed(3)}: ${within ? 'within 5%' : 'NOT within 5%'}`);

// 2. Load-independent bound: on a shared machine the two runs' rates swing more than 5%, so
// also replay the json run's events through the real UI in this process, drawing every event
// (Ink debug mode: no throttling, so more renders than a real run does) into a 100x40
// terminal, and compare the CPU time that costs with the training time of that run.
async function replayCost(dir: string): Promise<{ events: number; cpuSeconds: number; trainingSeconds: number }> {
  // As bin/mfx.js runs it: React's production build (set before react is first imported).
  process.env.NODE_ENV ??= 'production';
  const { createElement } = await import('react');
  const { render } = await import('ink');
  const { Writable } = await import('node:stream');
  const { RunApp } = await import('../cli/ui/run-app.js');
  const { RunStore } = await import('../cli/ui/run-store.js');
  const events = readFileSync(path.join(dir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RunEvent);
  const terminal = Object.assign(new Writable({ write: (_c, _e, done) => done() }), { isTTY: true, columns: 100, rows: 40 });
  const store = new RunStore({ intervalMs: 0, tickMs: 0 });
  const app = render(createElement(RunApp, { store, color: true, onStop: () => {}, onInterrupt: () => {} }), {
    stdout: terminal as unknown as NodeJS.WriteStream,
    debug: true,
    patchConsole: false,
    exitOnCtrlC: false,
  });
  const tick = () => new Promise((r) => setImmediate(r));
  await tick();
  const before = process.cpuUsage();
  for (const e of events) {
    store.dispatch(e);
    await tick(); // let React commit and Ink draw this event before the next
  }
  const used = process.cpuUsage(before);
  app.unmount();
  store.dispose();
  const trainingSeconds = events.reduce((sum, e) => sum + (e.type === 'epoch-end' ? e.seconds : 0), 0);
  return { events: events.length, cpuSeconds: (used.user + used.system) / 1e6, trainingSeconds };
}

await replayCost(path.join(work, 'json-0')); // warm-up: module loading and JIT are not the UI's steady cost
const replay = await replayCost(path.join(work, 'json-0'));
const { UPDATE_INTERVAL_MS } = await import('../cli/ui/run-store.js');
const perFrame = replay.cpuSeconds / replay.events;
// A real run draws at most this often (the store's rate plus the one-second clock tick),
// and never more than once per event.
const framesPerSecond = 1000 / UPDATE_INTERVAL_MS + 1;
const frames = Math.min(replay.events, replay.trainingSeconds * framesPerSecond);
const overhead = (frames * perFrame) / replay.trainingSeconds;
log(
  `  replay of json-0 through the UI, every event drawn: ${(perFrame * 1000).toFixed(2)} ms CPU per frame; ` +
    `at most ${frames.toFixed(0)} frames in ${replay.trainingSeconds.toFixed(1)} s of training ` +
    `(${framesPerSecond}/s): at most ${(overhead * 100).toFixed(2)}% of training time`,
);

const outDir = path.join(root, 'bench/out');
if (!existsSync(outDir)) mkdirSync(outDir, { recursive: true });
const out = path.join(outDir, 'ui.json');
writeFileSync(
  out,
  `${JSON.stringify({ file: values.file, backend: values.backend, trainSubset: Number(values['train-subset']), repeats, rates, median: { ink, json }, ratio, within5Percent: within, replay: { ...replay, cpuSecondsPerFrame: perFrame, framesPerSecond, overheadFraction: overhead, within5Percent: overhead <= 0.05 }, cores: os.cpus().length, date: new Date().toISOString() }, null, 2)}\n`,
);
log(`  written ${path.relative(root, out)}`);
// Fails only when both say the UI costs more than 5%: the measured rates alone are at the
// mercy of whatever else the machine runs.
if (!within && overhead > 0.05) process.exitCode = 1;
