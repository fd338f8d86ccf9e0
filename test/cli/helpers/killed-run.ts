// The crash tests' two pieces: start the built `mfx` as a process and SIGKILL it once a condition
// on its run folder holds, and read what must equal between a resumed and an uninterrupted run.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { builtMfx, ROOT } from '../../helpers/built-cli.js';

/** Runs `mfx ARGS` and SIGKILLs it as soon as `when()` holds (polled every 5 ms); resolves when it has exited. */
export function runAndKillWhen(args: string[], when: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [builtMfx(), ...args], { cwd: ROOT, stdio: 'ignore' });
    const timer = setInterval(() => {
      if (when()) {
        clearInterval(timer);
        child.kill('SIGKILL');
      }
    }, 5);
    child.on('exit', () => {
      clearInterval(timer);
      resolve();
    });
    child.on('error', reject);
  });
}

/** What must equal between runs of the same file: status, results table and every evaluation. */
export function runOutcome(dir: string) {
  const results = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8'));
  return { status: results.status, table: results.table, evals: results.evals };
}
