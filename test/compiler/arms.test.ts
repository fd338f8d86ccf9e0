import { describe, expect, it } from 'vitest';
import { arm, expectClean, expectDiagnostic, spanText, stepsOf } from './helpers.js';

describe('arms', () => {
  it('prepends top-level steps before the arms and appends the evals after them to every arm', () => {
    const plan = expectClean('pretrain 2\narm a { freeze conv*; train 1 }\narm b { train 1 }\neval pmnist.*');
    expect(plan.arms.map((a) => a.name)).toEqual(['a', 'b']);
    expect(arm(plan, 'a').steps.map((s) => s.kind)).toEqual(['train', 'eval', 'freeze', 'train', 'eval']);
    expect(arm(plan, 'b').steps.map((s) => s.kind)).toEqual(['train', 'eval', 'train', 'eval']);
    expect(arm(plan, 'a').source).toEqual({ line: 2, column: 1 });
  });

  it('rejects duplicate arm names, pointing at the first', () => {
    const src = 'arm a { train 1 }\narm a { train 2 }';
    const d = expectDiagnostic(src, 'MFX2020');
    expect(d.offset).toBe(22);
    expect(d.related?.[0].offset).toBe(4);
  });

  it('rejects a step other than eval after the arms', () => {
    const src = 'arm a { train 1 }\npretrain 2';
    expect(spanText(src, expectDiagnostic(src, 'MFX2021'))).toBe('pretrain');
  });

  it('lets an arm evaluate on its own', () => {
    const plan = expectClean('arm a { train 1; eval pmnist.hcut }\narm b { train 2; eval pmnist.vcut }');
    expect(stepsOf(arm(plan, 'a'), 'eval')[0].testSets).toEqual(['pmnist.hcut']);
    expect(plan.testSets).toEqual(['pmnist.hcut', 'pmnist.vcut']);
  });
});

describe('baselines', () => {
  it('uses the arm named by `baseline NAME` for every other arm', () => {
    const plan = expectClean('baseline normal\narm normal { train 2 }\narm other { pretrain 1; train 1 }\neval pmnist.*');
    expect(arm(plan, 'normal').baseline).toBeNull();
    expect(arm(plan, 'other').baseline).toEqual({ arm: 'normal', label: 'final', reason: 'named' });
  });

  it('else uses the arm called `baseline`', () => {
    const plan = expectClean('arm baseline { train 2 }\narm x { pretrain 1; train 1 }\neval pmnist.*');
    expect(arm(plan, 'baseline').baseline).toBeNull();
    expect(arm(plan, 'x').baseline).toEqual({ arm: 'baseline', label: 'final', reason: 'baseline-arm' });
  });

  it('else uses each arm\'s own pretrained snapshot, or nothing', () => {
    const plan = expectClean('arm p { pretrain 1; train 1 }\narm q { train 2 }\neval pmnist.*');
    expect(arm(plan, 'p').baseline).toEqual({ arm: 'p', label: 'pretrained', reason: 'snapshot' });
    expect(arm(plan, 'q').baseline).toBeNull();
  });

  it('rejects a baseline that names no arm, with a suggestion', () => {
    const d = expectDiagnostic('baseline normel\narm normal { train 2 }\neval pmnist.*', 'MFX2010');
    expect(d.hint).toBe('did you mean `normal`?');
  });

  it('rejects a baseline arm that never evaluates', () => {
    expectDiagnostic('baseline a\narm a { train 2 }\narm b { train 1; eval pmnist.* }', 'MFX2011');
  });
});
