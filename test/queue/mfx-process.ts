// The queue tests' way of starting the built `mfx` (coordinator or worker) as a process with its
// output collected (what must equal between runs: test/cli/helpers/killed-run.ts runOutcome).
import { spawn, type ChildProcess } from 'node:child_process';
import { builtMfx, ROOT } from '../helpers/built-cli.js';

/** Flags every queued and local run of these tests shares: a tiny slice on wasm, no cache or report. */
export const FLAGS = ['--backend', 'wasm', '--train-subset', '200', '--test-subset', '100', '--quiet', '--no-cache', '--no-report'];
const ENV = { ...process.env, MFX_QUEUE_LOCK_MS: '2000', MFX_JOBS: '1' };

export interface Proc {
  child: ChildProcess;
  out: string;
  exited: Promise<number | null>;
}

/** Starts `mfx ARGS` (the built CLI) with short queue locks and one thread per process, in `cwd` (default: the repository). */
export function start(args: string[], cwd = ROOT): Proc {
  const child = spawn(process.execPath, [builtMfx(), ...args], { cwd, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  const p: Proc = { child, out: '', exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
  child.stdout!.on('data', (d: Buffer) => (p.out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (p.out += d.toString()));
  return p;
}

/** Resolves once `check()` holds (polled every few milliseconds). */
export function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (check()) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
}
