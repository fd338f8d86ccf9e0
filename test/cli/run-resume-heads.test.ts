// The crash scenario with heads: `mfx run` killed with SIGKILL in the middle of training two
// heads on their summed logits (after the checkpoint that holds the new head), then `--resume`,
// must end with the same results and predictions as an uninterrupted run.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runMain as mfx } from './helpers/run-main.js';
import { runAndKillWhen, runOutcome } from './helpers/killed-run.js';
import { readCheckpoint } from '../../runtime/store/checkpoint.js';
import { readPredictions } from '../../runtime/store/predictions-file.js';


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

describe('mfx run --resume after SIGKILL, with heads', () => {
  it('ends with the same results and predictions as an uninterrupted run', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'mfx-resume-heads-'));
    const file = path.join(work, 'resume.mfx');
    writeFileSync(file, EXPERIMENT);
    const wholeDir = path.join(work, 'whole');
    const whole = await mfx(['run', file, '--out', wholeDir, ...FLAGS]);
    expect(whole.code, whole.stderr).toBe(0);

    const killed = path.join(work, 'killed');
    // SIGKILL once a checkpoint inside the heads' training (epoch 1 done) exists.
    await runAndKillWhen(['run', file, '--out', killed, ...FLAGS], () => {
      const at = position(killed);
      return at !== null && at.nextStep === HEAD_TRAIN_STEP && at.epochsDone >= 1;
    });
    expect(readFileSync(path.join(killed, 'events.jsonl'), 'utf8')).not.toMatch(/"type":"run-end"/); // really interrupted
    const at = position(killed)!;
    expect(at.nextStep).toBe(HEAD_TRAIN_STEP);
    expect(readCheckpoint(path.join(killed, 'checkpoints', 'main', 'seed-1.mfxc'))!.params.map((p) => p.name)).toContain('missing.fc1.weight');

    const resumed = await mfx(['run', file, '--resume', killed, '--quiet']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(runOutcome(killed).status).toBe('done');
    expect(runOutcome(killed)).toEqual(runOutcome(wholeDir));
    expect(runOutcome(killed).evals.map((e: { label: string }) => e.label)).toContain('synergy');
    for (const e of runOutcome(killed).evals) {
      const stored = readPredictions(killed, e);
      expect(stored, `${e.label} on ${e.testSet}`).not.toBeNull();
      expect(stored).toEqual(readPredictions(wholeDir, e));
    }
  });
});
