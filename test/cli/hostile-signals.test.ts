// SIGTERM (kill, systemd, Docker, CI runners) and SIGHUP (the terminal closed) stop a run the
// way Ctrl-C does (issue 19, point 10): the completed arms are in results.json, the resume hint
// is printed, and the exit status is 143 or 129. A real child process: signals cannot be faked.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Runs `mfx run` with the json reporter and sends `signal` once the first arm has ended. */
function runAndSignal(signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string; out: string; file: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mfx-signal-'));
  const file = path.join(dir, 'two.mfx');
  writeFileSync(file, 'train 1\narm a { eval pmnist.unmodified }\narm b { train 500; eval pmnist.unmodified }\n');
  const out = path.join(dir, 'run');
  const args = ['bin/mfx.js', 'run', file, '--backend', 'wasm', '--train-subset', '256', '--test-subset', '20', '--reporter', 'json', '--jobs', '1', '--no-cache', '--no-report', '--out', out];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let sent = false;
  createInterface({ input: child.stdout }).on('line', (line) => {
    const event = JSON.parse(line) as { type: string; arm?: string };
    if (!sent && event.type === 'arm-end' && event.arm === 'a') {
      sent = true;
      child.kill(signal);
    }
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr, out, file })));
}

describe('signals stop a run like Ctrl-C', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s: results.json for the completed arm, the resume hint, exit %i', async (signal, status) => {
    const r = await runAndSignal(signal);
    expect(r.code, r.stderr).toBe(status);
    expect(r.stderr).toContain(`Continue with: mfx run ${r.file} --resume ${r.out}`);
    const results = JSON.parse(readFileSync(path.join(r.out, 'results.json'), 'utf8'));
    expect(results.status).toBe('stopped');
    expect(results.evals.map((e: { arm: string }) => e.arm)).toEqual(['a']);
  }, 60_000);
});
