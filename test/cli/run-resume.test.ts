// The crash scenario: `mfx run` killed with SIGKILL mid-epoch, then `--resume`, must end with the
// same results as an uninterrupted run (same seed, same backend).
import { describe, expect, it } from 'vitest';
import { runMain as mfx } from './helpers/run-main.js';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runAndKillWhen, runOutcome } from './helpers/killed-run.js';
import { readPredictions } from '../../runtime/store/predictions-file.js';


const EXPERIMENT = `experiment "resume check"
model {
  conv1: conv 4 5x5
  pool 2
  relu
  flatten
  fc1: dense 10
}
pretrain 2
freeze conv*
invert relu6
reset fc*
train 3
eval pmnist.unmodified, pmnist.hcut
`;

const FLAGS = ['--backend', 'wasm', '--train-subset', '3000', '--test-subset', '200', '--quiet'];


function hasCheckpoint(dir: string): boolean {
  const root = path.join(dir, 'checkpoints');
  if (!existsSync(root)) return false;
  return readdirSync(root, { recursive: true }).some((f) => String(f).endsWith('.mfxc'));
}

describe('mfx run --resume after SIGKILL', () => {
  it('ends with the same results as an uninterrupted run', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'mfx-run-resume-'));
    const file = path.join(work, 'resume.mfx');
    writeFileSync(file, EXPERIMENT);

    const whole = await mfx(['run', file, '--out', path.join(work, 'whole'), ...FLAGS]);
    expect(whole.code, whole.stderr).toBe(0);

    const killed = path.join(work, 'killed');
    await runAndKillWhen(['run', file, '--out', killed, ...FLAGS], () => hasCheckpoint(killed));
    const events = readFileSync(path.join(killed, 'events.jsonl'), 'utf8');
    expect(events).not.toMatch(/"type":"run-end"/); // really interrupted

    const resumed = await mfx(['run', file, '--resume', killed, '--quiet']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(runOutcome(killed)).toEqual(runOutcome(path.join(work, 'whole')));
    expect(runOutcome(killed).status).toBe('done');
    // Every evaluation's per-sample predictions are kept and the same as the uninterrupted run's.
    for (const e of runOutcome(killed).evals) {
      const stored = readPredictions(killed, e);
      expect(stored, `${e.label} on ${e.testSet}`).not.toBeNull();
      expect(stored).toEqual(readPredictions(path.join(work, 'whole'), e));
    }
  });

  it('refuses --resume when the file changed since the run started', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'mfx-run-resume-'));
    const file = path.join(work, 'resume.mfx');
    writeFileSync(file, 'pretrain 1; eval pmnist.unmodified\n');
    const first = await mfx(['run', file, '--out', path.join(work, 'run'), '--backend', 'wasm', '--train-subset', '64', '--test-subset', '50', '--quiet']);
    expect(first.code, first.stderr).toBe(0);
    writeFileSync(file, 'pretrain 2; eval pmnist.unmodified\n');
    const again = await mfx(['run', file, '--resume', path.join(work, 'run'), '--quiet']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/different plan/);
    expect(again.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
