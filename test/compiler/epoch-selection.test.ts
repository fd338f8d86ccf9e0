// `validation N`, `train N select` and `eval ... every epoch` in the Plan (issue 20).
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import type { Plan, StepSpec } from '../../compiler/plan.js';
import { readPlan } from '../../compiler/plan-io.js';
import { describePlan } from '../../cli/commands/plan.js';
import { estimateWork } from '../../compiler/work-estimate.js';
import { createDatasetInfoReader } from '../../runtime/data/dataset-info.js';
import { classPatternContents, writeIdxFolder } from '../runtime/data/idx-fixture.js';

function planOf(text: string): Plan {
  const { plan, diagnostics } = compile(text, 'x.mfx');
  expect(diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  return plan!;
}
const trains = (plan: Plan, arm = 0) => plan.arms[arm].steps.filter((s): s is Extract<StepSpec, { kind: 'train' }> => s.kind === 'train');
const codes = (text: string) => compile(text, 'x.mfx').diagnostics.map((d) => d.code);

describe('validation and epoch selection in the Plan', () => {
  it('keeps plans without them as they were: no new fields, the same state keys', () => {
    const plain = planOf('pretrain 2\neval pmnist.*\n');
    expect(plain.validation).toBeUndefined();
    expect(trains(plain)[0]).not.toHaveProperty('select');
    expect(trains(plain)[0]).not.toHaveProperty('everyEpoch');
    // `validation` changes what trains, so it changes every state key.
    const held = planOf('validation 5000\npretrain 2\neval pmnist.*\n');
    expect(held.validation).toBe(5000);
    expect(trains(held)[0].stateKey).not.toBe(trains(plain)[0].stateKey);
  });

  it('gives a select step the test sets of the evals after it, up to the next train step', () => {
    const plan = planOf('validation 5000\ntrain 2 select\neval pmnist.hcut\neval pmnist.unmodified as again\ntrain 1\neval pmnist.tcut\n');
    const [first, second] = trains(plan);
    expect(first.select).toEqual({ testSets: ['pmnist.unmodified', 'pmnist.hcut'] });
    expect(second.select).toBeUndefined();
  });

  it('scores every epoch only for the evals that ask, and the pretrained snapshot inherits it', () => {
    const plan = planOf('pretrain 2\nfreeze conv*\ninvert relu6\ntrain 2\neval pmnist.tcut, pmnist.hcut every epoch\n');
    const [pre, head] = trains(plan);
    expect(head.everyEpoch).toEqual(['pmnist.hcut', 'pmnist.tcut']);
    expect(pre.everyEpoch).toEqual(['pmnist.hcut', 'pmnist.tcut']);
    const snapshot = plan.arms[0].steps.find((s) => s.kind === 'eval' && s.snapshot);
    expect(snapshot).toMatchObject({ everyEpoch: true });
    expect(planOf('pretrain 2\neval pmnist.*\n').arms[0].steps.some((s) => s.kind === 'eval' && s.everyEpoch)).toBe(false);
  });

  it('shares the pretraining between a baseline that reports it and hybrids that train on', () => {
    const plan = planOf('validation 5000\npretrain 2 select\narm baseline { }\narm hybrid { freeze conv*; reset fc*; invert relu6; train 2 select }\neval pmnist.* every epoch\n');
    expect(plan.arms[1].sharedPrefix).toBe(2);
  });

  it('round-trips through plan.json', () => {
    const plan = planOf('validation 5000\npretrain 2 select\neval pmnist.* every epoch\n');
    expect(readPlan(JSON.parse(JSON.stringify(plan)))).toEqual(plan);
  });

  it('reports each misuse with its own code', () => {
    expect(codes('validation 60000\ntrain 1\neval pmnist.*\n')).toContain('MFX2150');
    expect(codes('validation 59999\ntrain 1\neval pmnist.*\n')).not.toContain('MFX2150');
    expect(codes('train 1 select\neval pmnist.*\n')).toContain('MFX2151');
    expect(codes('validation 999\ntrain 1 select\neval pmnist.*\n')).toContain('MFX2152');
    expect(codes('validation 1000\ntrain 1 select\neval pmnist.*\n')).not.toContain('MFX2152');
    expect(codes('eval pmnist.* every epoch\ntrain 1\neval pmnist.*\n')).toContain('MFX2153');
    expect(codes('train 1\ninvert relu6\neval pmnist.* every epoch\n')).toContain('MFX2154');
    expect(codes('validation 5000\ntrain 1 select\ntrain 1\neval pmnist.*\n')).toContain('MFX2155');
  });

  it('checks the split against the training file of an IDX folder', () => {
    const dir = writeIdxFolder(classPatternContents({ classes: 3, train: 12, test: 6, size: 8 }));
    const check = (n: number) =>
      compile(`dataset idx "${dir}"\nvalidation ${n}\nmodel { c: conv 2 3x3; relu; flatten; out: dense 3 }\ntrain 1\neval pidx.*\n`, 'x.mfx', { datasetInfo: createDatasetInfoReader() }).diagnostics.map((d) => d.code);
    expect(check(12)).toContain('MFX2150');
    expect(check(11)).not.toContain('MFX2150');
  });

  it('shows the split, the scoring and its cost in mfx plan', () => {
    const plan = planOf('validation 5000\npretrain 2 select\neval pmnist.hcut every epoch\n');
    const work = estimateWork(plan);
    const text = describePlan(plan, undefined, work);
    expect(text).toContain('validation the last 5,000 images of the training file');
    expect(text).toMatch(/pretrain 2 select .*after every epoch: validation, pmnist\.hcut; at the best validation epoch: pmnist\.hcut/);
    expect(text).toContain('55,000 training images per epoch');
    // 2 epochs x (5,000 validation + 10,000 hcut) + the selected epoch's hcut + the snapshot's and final evals' hcut.
    expect(work.with.eval).toBe(2 * (5000 + 10000) + 10000 + 2 * 10000);
  });
});

