import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend } from '../../runtime/backend/select.js';
import { executePlan } from '../../runtime/run/execute.js';
import type { Plan } from '../../compiler/plan.js';
import {
  decodePredictionFile,
  encodePredictionFile,
  labelsPath,
  PredictionFileError,
  predictionsPath,
  readPredictions,
} from '../../runtime/store/predictions-file.js';
import { syntheticData, twoArmsSharingPretraining } from './helpers/tiny-plan.js';

beforeAll(async () => {
  await initBackend('cpu');
});

// Two arms sharing pretraining and its snapshot eval (handed over to b), two seeds.
const plan = (): Plan => twoArmsSharingPretraining(1);

async function run(reuse: boolean) {
  const runDir = path.join(mkdtempSync(path.join(tmpdir(), 'mfx-pred-')), 'run');
  const results = await executePlan(plan(), { backend: 'cpu', runDir, loadData: syntheticData(), batchEventIntervalMs: 0, reuse, onEvent: () => {} });
  return { results, runDir };
}

describe('predictions in the run folder', () => {
  it('stores every evaluation, scored as its accuracy says, the same with and without prefix reuse', async () => {
    const reused = await run(true);
    const recomputed = await run(false);
    expect(reused.results.evals.length).toBe(16); // 2 arms x 2 seeds x (pretrained, final) x 2 test sets
    for (const e of reused.results.evals) {
      const stored = readPredictions(reused.runDir, e)!;
      expect(stored).not.toBeNull();
      expect(stored.predicted.length).toBe(e.n);
      const correct = stored.predicted.reduce((s, c, i) => s + Number(c === stored.labels[i]), 0);
      expect(correct / e.n).toBeCloseTo(e.accuracy, 12);
      expect(readPredictions(recomputed.runDir, e)).toEqual(stored);
      // One byte per sample plus a header of a few hundred bytes.
      expect(statSync(predictionsPath(reused.runDir, e)).size).toBeLessThan(e.n + 400);
    }
  });

  it('detects damaged, truncated and misplaced files', async () => {
    const { results, runDir } = await run(true);
    const [first, second] = results.evals;
    const file = predictionsPath(runDir, first);
    const bytes = readFileSync(file);
    const damaged = Buffer.from(bytes);
    damaged[damaged.length - 1] ^= 1;
    writeFileSync(file, damaged);
    expect(() => readPredictions(runDir, first)).toThrow(/is damaged/);
    writeFileSync(file, bytes.subarray(0, bytes.length - 3));
    expect(() => readPredictions(runDir, first)).toThrow(/is truncated/);
    writeFileSync(file, readFileSync(predictionsPath(runDir, second)));
    expect(() => readPredictions(runDir, first)).toThrow(PredictionFileError);
    writeFileSync(file, 'not a predictions file');
    expect(() => readPredictions(runDir, first)).toThrow(/wrong magic bytes/);
    expect(() => decodePredictionFile(readFileSync(labelsPath(runDir, first.testSet)), 'predictions', 'x')).toThrow(/holds labels, expected predictions/);
    expect(readPredictions(runDir, { ...first, label: 'never' })).toBeNull();
  });

  it('round-trips through encode and decode', () => {
    const classes = Uint8Array.from([0, 9, 255, 3]);
    const meta = { testSet: 'pmnist.hcut', arm: 'x', seed: 3, label: 'final', labelsSha256: 'ab' };
    expect(decodePredictionFile(encodePredictionFile({ kind: 'predictions', meta, classes }), 'predictions', 'f')).toEqual({ kind: 'predictions', meta, classes });
  });
});
