// The crash scenario with heads: `mfx run` killed with SIGKILL in the middle of training two
// heads on their summed logits (after the checkpoint that holds the new head), then `--resume`,
// must end with the same results and predictions as an uninterrupted run.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runMain as mfx } from './helpers/run-main.js';
import { builtMfx } from '../helpers/built-cli.js';
import { readCheckpoint } from '../../runtime/store/checkpoint.js';
import { readPredictions } from '../../runtime/store/predictions-file.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MFX = builtMfx(); // bin/mfx.js, after checking that dist/ is built from these sources

const EXPERIMENT = `experiment "resume heads"
model {
  conv1: conv 4 5x5
  pool 2
  relu
  flatten
  fc1: dense 10
}
pretrain 1
freeze conv*
head missing
invert relu6 on missing
train 4 on main + missing
eval pmnist.unmodified, pmnist.hcut as synergy on main + missing
eval pmnist.unmodified, pmnist.hcut
`;
const HEAD_TRAIN_STEP = 5; // pretrain, its snapshot eval, freeze, head, invert, then the train step

const FLAGS = ['--backend', 'wasm', '--train-subset', '6000', '--test-subset', '200', '--no-cache', '--quiet'];

/** The checkpoint's position, or null while there is none (written atomically: never half a file). */
function position(out: string): { nextStep: number; epochsDone: number } | null {
  const file = path.join(out, 'checkpoints', 'main', 'seed-1.mfxc');
  return existsSync(file) ? readCheckpoint(file)!.meta : null;
}

/** Starts a run and SIGKILLs it once a checkpoint inside the heads' training (epoch 1 done) exists. */
function runAndKillInHeadTraining(file: string, out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MFX, 'run', file, '--out', out, ...FLAGS], { cwd: ROOT, stdio: 'ignore' });
    const timer = setInterval(() => {
      const at = position(out);
      if (at && at.nextStep === HEAD_TRAIN_STEP && at.epochsDone >= 1) {
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

function outcome(dir: string) {
  const results = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8'));
  return { status: results.status, table: results.table, evals: results.evals };
}

describe('mfx run --resume after SIGKILL, with heads', () => {
  it('ends with the same results and predictions as an uninterrupted run', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'mfx-resume-heads-'));
    const file = path.join(work, 'resume.mfx');
    writeFileSync(file, EXPERIMENT);
    const wholeDir = path.join(work, 'whole');
    const whole = await mfx(['run', file, '--out', wholeDir, ...FLAGS]);
    expect(whole.code, whole.stderr).toBe(0);

    const killed = path.join(work, 'killed');
    await runAndKillInHeadTraining(file, killed);
    expect(readFileSync(path.join(killed, 'events.jsonl'), 'utf8')).not.toMatch(/"type":"run-end"/); // really interrupted
    const at = position(killed)!;
    expect(at.nextStep).toBe(HEAD_TRAIN_STEP);
    expect(readCheckpoint(path.join(killed, 'checkpoints', 'main', 'seed-1.mfxc'))!.params.map((p) => p.name)).toContain('missing.fc1.weight');

    const resumed = await mfx(['run', file, '--resume', killed, '--quiet']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(outcome(killed).status).toBe('done');
    expect(outcome(killed)).toEqual(outcome(wholeDir));
    expect(outcome(killed).evals.map((e: { label: string }) => e.label)).toContain('synergy');
    for (const e of outcome(killed).evals) {
      const stored = readPredictions(killed, e);
      expect(stored, `${e.label} on ${e.testSet}`).not.toBeNull();
      expect(stored).toEqual(readPredictions(wholeDir, e));
    }
  });
});
