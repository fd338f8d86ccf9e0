// Issue 20, the talk's protocol: `validation N`, `train N select` and `eval ... every epoch` on a
// tiny MNIST run. The selected epoch must be the argmax of the recorded validation accuracies,
// its test accuracy the one scored after that epoch, scoring must not change training, and the
// validation images must be the last N of the training file and never trained on.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import type { Plan } from '../../compiler/plan.js';
import { loadDataset } from '../../runtime/data/datasets.js';
import type { RunEvent } from '../../runtime/events.js';
import type { EvalRecord, Results } from '../../runtime/results.js';
import { executePlan } from '../../runtime/run/execute.js';
import { readPredictions } from '../../runtime/store/predictions-file.js';

const SUBSET = { train: 128, test: 40 };

function planOf(text: string): Plan {
  const { plan, diagnostics } = compile(text, 'epoch-selection.mfx');
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return plan!;
}

let lastRunDir = '';

async function run(text: string): Promise<Results> {
  const runDir = path.join(mkdtempSync(path.join(tmpdir(), 'mfx-select-')), 'run');
  lastRunDir = runDir;
  return executePlan(planOf(text), { backend: 'wasm', runDir, subset: SUBSET, batchEventIntervalMs: 0, jobs: 1, onEvent: () => {} });
}

const PROTOCOL = `
validation 300
batch 32
pretrain 3 select
arm baseline { }
arm hybrid { freeze conv*; reset fc*; invert relu6; train 2 select }
eval pmnist.unmodified, pmnist.tcut every epoch
`;

const of = (r: Results, arm: string, pred: (e: EvalRecord) => boolean) => r.evals.filter((e) => e.arm === arm && pred(e));

describe('epoch selection on a validation split', () => {
  let results: Results;
  let runDir = '';
  beforeAll(async () => {
    results = await run(PROTOCOL);
    runDir = lastRunDir;
  }, 120_000);

  it("keeps the selected epoch's predictions, as an eval's, for agreement statistics", () => {
    const selected = of(results, 'hybrid', (e) => e.selected === true && e.step === 5);
    for (const s of selected) {
      const file = readPredictions(runDir, s)!;
      expect(file).not.toBeNull();
      expect(file.predicted).toHaveLength(s.n);
      const correct = file.predicted.filter((p, i) => p === file.labels[i]).length;
      expect(correct / s.n).toBe(s.accuracy);
    }
  });

  it('records the validation accuracy after every epoch of a select step, on the split only', () => {
    const val = of(results, 'hybrid', (e) => e.testSet === 'validation');
    // 3 pretraining epochs (shared, copied from the baseline) and 2 of the head.
    expect(val.map((e) => e.label)).toEqual(['@epoch-1', '@epoch-2', '@epoch-3', '@epoch-4', '@epoch-5']);
    expect(val.every((e) => e.n === SUBSET.test)).toBe(true); // a test subset caps the split too
  });

  it('selects the epoch with the best validation accuracy, the first on ties', () => {
    for (const [arm, step, first, last] of [['baseline', 0, 1, 3], ['hybrid', 5, 4, 5]] as const) {
      const val = of(results, arm, (e) => e.testSet === 'validation' && e.step === step);
      expect(val.map((e) => e.epoch)).toEqual(Array.from({ length: last - first + 1 }, (_, i) => first + i));
      const best = Math.max(...val.map((e) => e.accuracy));
      const expected = val.find((e) => e.accuracy === best)!.epoch;
      const selected = of(results, arm, (e) => e.selected === true && e.step === step);
      expect(selected.map((e) => e.testSet)).toEqual(['pmnist.unmodified', 'pmnist.tcut']);
      for (const s of selected) {
        expect(s.epoch).toBe(expected);
        expect(s.label).toBe(`@selected-step-${step + 1}`);
      }
    }
  });

  it("scores the selected epoch's network exactly as it was scored after that epoch", () => {
    for (const arm of ['baseline', 'hybrid']) {
      for (const s of of(results, arm, (e) => e.selected === true)) {
        const atEpoch = of(results, arm, (e) => e.label === `@epoch-${s.epoch}` && e.testSet === s.testSet)[0];
        expect(atEpoch).toBeDefined();
        expect(s.accuracy).toBe(atEpoch.accuracy);
        expect(s.loss).toBe(atEpoch.loss);
      }
    }
  });

  it('ends the step on its last epoch: the final eval equals the last epoch scored', () => {
    for (const [arm, last] of [['baseline', 3], ['hybrid', 5]] as const) {
      for (const f of of(results, arm, (e) => e.label === 'final')) {
        const atLast = of(results, arm, (e) => e.label === `@epoch-${last}` && e.testSet === f.testSet)[0];
        expect(f.accuracy).toBe(atLast.accuracy);
        expect(f.loss).toBe(atLast.loss);
      }
    }
  });

  it('summarises final, validation-selected and best test epoch per arm, Delta paired by seed', () => {
    const protocol = results.protocol!;
    expect(protocol.columns.map((c) => c.arm)).toEqual(['baseline', 'hybrid']);
    const hybrid = protocol.columns[1];
    expect(hybrid.epochs).toBe(2);
    const selected = of(results, 'hybrid', (e) => e.selected === true && e.step === 5)[0].epoch!;
    expect(hybrid.selectedEpoch).toEqual({ 1: selected - 3 });
    for (const t of ['pmnist.unmodified', 'pmnist.tcut']) {
      const cell = hybrid.cells[t];
      const epochs = of(results, 'hybrid', (e) => e.step === 5 && !e.selected && e.testSet === t).map((e) => e.accuracy);
      expect(epochs).toHaveLength(2);
      expect(cell.bestTest!.mean).toBe(Math.max(...epochs));
      expect(cell.selected!.mean).toBe(of(results, 'hybrid', (e) => e.selected === true && e.step === 5 && e.testSet === t)[0].accuracy);
      expect(cell.final!.mean).toBe(results.table.columns[1].cells[t].accuracy.mean);
      const base = protocol.columns[0].cells[t];
      expect(cell.deltaBestTest!.mean).toBeCloseTo(cell.bestTest!.mean - base.bestTest!.mean, 12);
      expect(cell.deltaSelected!.mean).toBeCloseTo(cell.selected!.mean - base.selected!.mean, 12);
      expect(cell.bestTest!.mean).toBeGreaterThanOrEqual(cell.final!.mean);
    }
  });

  it('continues an interrupted scoring step on --resume from its checkpoint, kept epoch included, with the same results', async () => {
    const runDir = path.join(mkdtempSync(path.join(tmpdir(), 'mfx-select-resume-')), 'run');
    const controller = new AbortController();
    const options = { backend: 'wasm' as const, runDir, batchEventIntervalMs: 0, jobs: 1 };
    const stopped = await executePlan(planOf(PROTOCOL), {
      ...options,
      subset: SUBSET,
      signal: controller.signal,
      // Stop in the middle of the hybrid's scored head training (its step 6, epoch 1 of 2).
      onEvent: (e) => {
        if (e.type === 'epoch-end' && e.arm === 'hybrid' && e.step === 5 && e.epoch === 1) controller.abort();
      },
    });
    expect(stopped.status).toBe('stopped');
    const events: RunEvent[] = [];
    const resumed = await executePlan(planOf(PROTOCOL), { ...options, resume: true, onEvent: (e) => events.push(e) });
    expect(resumed.status).toBe('done');
    // Only the hybrid's second head epoch ran again: the first, and its kept parameters, came from the checkpoint.
    const hybridEpochs = events.filter((e) => e.type === 'epoch-end' && e.arm === 'hybrid' && e.step === 5);
    expect(hybridEpochs.map((e) => (e.type === 'epoch-end' ? e.epoch : 0))).toEqual([2]);
    const key = (e: EvalRecord) => `${e.arm} ${e.label} ${e.testSet}`;
    const sorted = (r: Results) => [...r.evals].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sorted(resumed)).toEqual(sorted(results));
    expect(resumed.protocol).toEqual(results.protocol);
  }, 120_000);

  it('does not change training: the final evals equal a run that scores no epochs', async () => {
    const plain = await run(PROTOCOL.replaceAll(' select', '').replace(' every epoch', ''));
    const finals = (r: Results) => r.evals.filter((e) => e.label === 'final').map((e) => [e.arm, e.testSet, e.accuracy, e.loss]);
    expect(finals(plain)).toEqual(finals(results));
    expect(plain.protocol).toBeUndefined();
  }, 120_000);
});

describe('epoch selection in an arm with heads', () => {
  it('scores the epochs on the heads the step trains: the last epoch equals the final eval on main + missing', async () => {
    const r = await run(`
validation 300
batch 32
pretrain 2
arm synergy { freeze conv*; head missing; invert relu6 on missing; train 2 select on main + missing; eval pmnist.unmodified, pmnist.tcut every epoch as synergy on main + missing }
`);
    const evals = r.evals.filter((e) => e.arm === 'synergy');
    for (const f of evals.filter((e) => e.label === 'synergy')) {
      const atLast = evals.find((e) => e.label === '@epoch-4' && e.testSet === f.testSet)!;
      expect([atLast.accuracy, atLast.loss]).toEqual([f.accuracy, f.loss]);
      const selected = evals.find((e) => e.selected === true && e.testSet === f.testSet)!;
      const atSelected = evals.find((e) => e.label === `@epoch-${selected.epoch}` && e.testSet === f.testSet)!;
      expect(selected.accuracy).toBe(atSelected.accuracy);
    }
    expect(evals.filter((e) => e.testSet === 'validation').map((e) => e.label)).toEqual(['@epoch-3', '@epoch-4']);
  }, 120_000);

  it('refuses an eval on other heads than the select step trains (MFX2154)', () => {
    const { diagnostics } = compile('validation 300\npretrain 1\nhead missing\ninvert relu6 on missing\ntrain 1 select on main + missing\neval pmnist.* on main\n', 'x.mfx');
    expect(diagnostics.map((d) => d.code)).toContain('MFX2154');
  });
});

describe('the validation split', () => {
  it('is the last N images of the training file, and training uses the images before them', async () => {
    const full = await loadDataset({ kind: 'mnist' });
    const ds = await loadDataset({ kind: 'mnist' }, { validation: 500, trainSubset: 100 });
    expect(ds.train.n).toBe(100);
    expect(ds.validation!.n).toBe(500);
    expect([...ds.validation!.labels]).toEqual([...full.train.labels.subarray(59_500)]);
    expect([...ds.validation!.images.subarray(0, 784)]).toEqual([...full.train.images.subarray(59_500 * 784, 59_501 * 784)]);
    const all = await loadDataset({ kind: 'mnist' }, { validation: 500 });
    expect(all.train.n).toBe(59_500);
    expect(all.subset.trainUsed).toBe(59_500);
  }, 60_000);

  it('refuses a split that leaves nothing to train on, and a train subset that reaches into it', async () => {
    await expect(loadDataset({ kind: 'mnist' }, { validation: 60_000 })).rejects.toThrow(/nothing would be left to train on/);
    await expect(loadDataset({ kind: 'mnist' }, { validation: 5_000, trainSubset: 56_000 })).rejects.toThrow(/after the 5000 validation images/);
  }, 60_000);
});
