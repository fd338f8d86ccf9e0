// End to end: `mfx run` in a pseudo-terminal (util-linux `script`), so the live Ink UI is what
// draws; the Ctrl-C key stops it gracefully (exit 130, resume hint), `--resume` finishes it
// with the final table; and a plain SIGINT to a piped run takes the same path. Resume
// correctness (same numbers as an uninterrupted run) is tested in run-resume.test.ts.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { builtMfx } from '../helpers/built-cli.js';
import { describe, expect, it } from 'vitest';
import { stripAnsi } from '../../cli/format/color.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MFX = builtMfx(); // bin/mfx.js, after checking that dist/ is built from these sources
const EXAMPLE = 'examples/quickstart.mfx';
const hasScript = (() => {
  try {
    return existsSync('/usr/bin/script');
  } catch {
    return false;
  }
})();

interface Child {
  output: () => string;
  type: (keys: string) => void;
  signal: (sig: NodeJS.Signals) => void;
  exit: Promise<number>;
}

/** Runs `mfx run ...` inside an 80x40 pseudo-terminal; keys typed go to the UI as from a keyboard. */
function inTerminal(args: string[], env: NodeJS.ProcessEnv = { CI: undefined, CONTINUOUS_INTEGRATION: undefined }): Child {
  const quoted = [process.execPath, MFX, 'run', ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qfec', `stty cols 80 rows 40; exec ${quoted}`, '/dev/null'], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return wrap(child);
}

/** Runs `mfx run ...` with pipes (no terminal): the plain reporter. */
function piped(args: string[]): Child {
  const child = spawn(process.execPath, [MFX, 'run', ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  return wrap(child);
}

function wrap(child: ReturnType<typeof spawn>): Child {
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return {
    output: () => out,
    type: (keys) => child.stdin!.write(keys),
    signal: (sig) => child.kill(sig),
    exit: new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, sig) => resolve(code ?? (sig === 'SIGINT' ? 130 : 1)));
    }),
  };
}

async function until(check: () => boolean, what: string, ms = 90_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const results = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as { status: string };
const trainedBatch = (dir: string) => existsSync(path.join(dir, 'events.jsonl')) && readFileSync(path.join(dir, 'events.jsonl'), 'utf8').includes('"type":"batch"');

describe.skipIf(!hasScript)('mfx run in a terminal', () => {
  it('stops on Ctrl-C with exit 130 and a resume hint, keeps completed steps, and --resume ends with the final table', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'mfx-ui-e2e-')), 'run');
    const run = inTerminal([EXAMPLE, '--backend', 'wasm', '--train-subset', '4096', '--test-subset', '100', '--out', dir]);
    // Ctrl-C once the second training step is on screen: pretraining and its eval are complete.
    await until(() => stripAnsi(run.output()).includes('train 1 (fc1, fc2; inverted relu6)  ◀ now'), 'the second training step');
    expect(stripAnsi(run.output())).toContain('q or Ctrl-C: stop');
    run.type('\u0003');
    const code = await run.exit;
    const screen = stripAnsi(run.output());
    expect(code, screen).toBe(130);
    expect(screen).toContain(`--resume ${dir}`);
    expect(results(dir).status).toBe('stopped');
    expect(stripAnsi(run.output())).toMatch(/\[main\] done pretrain 1/);

    const resumed = inTerminal([EXAMPLE, '--resume', dir]);
    const resumedCode = await resumed.exit;
    const final = stripAnsi(resumed.output());
    expect(resumedCode, final).toBe(0);
    expect(final).toMatch(/test set +acc % +delta/);
    // A collapsed head (one class for ≥ 95% of a set, common on this tiny slice) is marked with `!`.
    expect(final).toMatch(/pmnist\.tcut +\d+\.\d\d!? +[+-]\d+\.\d\d/);
    expect(final).toContain(`run folder: ${dir}`);
    expect(results(dir).status).toBe('done');
    // The resumed run started after the completed steps: pretraining was not run again.
    const events = readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const second = events.findIndex((e, i) => i > 0 && e.type === 'run-start');
    expect(events[second].resumed).toBe(true);
    expect(events.slice(second).some((e) => e.type === 'step-start' && e.step === 0)).toBe(false);
    expect(final).toContain('✓ main');
  });

  it('two quick Ctrl-Cs exit 130 and leave the cursor shown, whichever of them ends the run', async () => {
    // Whether the graceful stop or the second key's immediate exit wins depends on timing; either
    // way the command must exit 130 and give the terminal back.
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'mfx-ui-e2e-')), 'run');
    const run = inTerminal([EXAMPLE, '--backend', 'wasm', '--train-subset', '20000', '--test-subset', '100', '--out', dir]);
    await until(() => /\d+\/\d+ batches/.test(stripAnsi(run.output())), 'the first training batches');
    run.type('\u0003');
    await new Promise((r) => setTimeout(r, 20));
    run.type('\u0003');
    const code = await run.exit;
    const out = run.output();
    expect(code, stripAnsi(out)).toBe(130);
    expect(out.lastIndexOf('\u001b[?25h')).toBeGreaterThan(out.lastIndexOf('\u001b[?25l'));
  });

  it('uses the plain reporter in a terminal under CI, where Ink would draw no live frames', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'mfx-ui-e2e-')), 'run');
    const run = inTerminal([EXAMPLE, '--backend', 'wasm', '--train-subset', '256', '--test-subset', '50', '--out', dir, '--no-report'], { CI: 'true' });
    const code = await run.exit;
    const out = stripAnsi(run.output());
    expect(code, out).toBe(0);
    expect(out).toMatch(/^\[main\] step 1\/7 pretrain 1/m);
    expect(out).toMatch(/^\[main\] arm done/m);
    expect(out).not.toContain('q or Ctrl-C: stop');
    expect(results(dir).status).toBe('done');
  });

  it('a SIGINT to a piped run stops it the same way', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'mfx-ui-e2e-')), 'run');
    const run = piped([EXAMPLE, '--backend', 'wasm', '--train-subset', '2048', '--test-subset', '100', '--out', dir]);
    await until(() => trainedBatch(dir), 'the first batch');
    run.signal('SIGINT');
    const code = await run.exit;
    const out = stripAnsi(run.output());
    expect(code, out).toBe(130);
    expect(out).toContain(`Continue with: mfx run ${EXAMPLE} --resume ${dir}`);
    expect(out).toContain('run stopped after');
    expect(results(dir).status).toBe('stopped');
  });
});
