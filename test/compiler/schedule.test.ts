import { describe, expect, it } from 'vitest';
import { arm, expectClean, expectDiagnostic, expectPlan, spanText, stepsOf } from './helpers.js';

const ONE_LINER = 'pretrain 10; freeze conv*; invert relu6; reset fc*; train 20; eval pmnist.*';
const PMNIST = ['pmnist.unmodified', 'pmnist.hcut', 'pmnist.vcut', 'pmnist.dcut', 'pmnist.tcut'];
const ALL = ['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias'];

describe('the one-liner', () => {
  const plan = expectClean(ONE_LINER);
  const main = arm(plan, 'main');

  it('is one arm `main` whose steps follow the line, with the snapshot eval after pretrain', () => {
    expect(plan.arms).toHaveLength(1);
    expect(main.steps.map((s) => (s.kind === 'eval' ? `eval:${s.label}` : s.kind))).toEqual([
      'train',
      'eval:pretrained',
      'freeze',
      'invert',
      'reset',
      'train',
      'eval:final',
    ]);
  });

  it('trains everything, then only the head under inverted relu6', () => {
    const [pre, post] = stepsOf(main, 'train');
    expect(pre).toMatchObject({ epochs: 10, pretrain: true, trainable: ALL, frozen: [], trainableCount: 21840, lr: 0.01, feature: { kind: 'model' } });
    expect(post).toMatchObject({
      epochs: 20,
      pretrain: false,
      trainable: ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias'],
      frozen: ['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias'],
      trainableCount: 16050 + 510,
      feature: { kind: 'inverted', activation: 'relu6' },
    });
  });

  it('evaluates the pretrained snapshot and the end on the five PMNIST sets, Delta against the snapshot', () => {
    const [snap, fin] = stepsOf(main, 'eval');
    expect(snap).toMatchObject({ label: 'pretrained', snapshot: true, testSets: PMNIST, feature: { kind: 'model' } });
    expect(snap.source).toBeUndefined();
    expect(fin).toMatchObject({ label: 'final', snapshot: false, testSets: PMNIST, feature: { kind: 'inverted', activation: 'relu6' } });
    expect(main.reportLabel).toBe('final');
    expect(main.baseline).toEqual({ arm: 'main', label: 'pretrained', reason: 'snapshot' });
    expect(plan.testSets).toEqual(PMNIST);
  });

  it('records where each written step came from', () => {
    expect(main.steps[2].source).toEqual({ line: 1, column: 14 });
  });
});

describe('selectors', () => {
  const trainable = (src: string) => stepsOf(arm(expectPlan(`${src}; train 1; eval pmnist.*`), 'main'), 'train')[0].trainable;

  it.each([
    ['freeze conv*', ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']],
    ['freeze conv*.weight', ['conv1.bias', 'conv2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']],
    ['freeze fc?', ['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias']],
    ['freeze *.bias', ['conv1.weight', 'conv2.weight', 'fc1.weight', 'fc2.weight']],
    ['freeze conv1, fc2.bias', ['conv2.weight', 'conv2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight']],
    ['freeze *; unfreeze fc2', ['fc2.weight', 'fc2.bias']],
  ])('%s', (steps, expected) => {
    expect(trainable(steps)).toEqual(expected);
  });

  it('rejects a selector that matches nothing and lists the layers', () => {
    const src = 'freeze conv3; train 1';
    const d = expectDiagnostic(src, 'MFX2032');
    expect(spanText(src, d)).toBe('conv3');
    expect(d.hint).toContain('layers here: conv1, conv2, fc1, fc2');
  });

  it('does not let `*` cross the dot: `conv*` is not a parameter glob', () => {
    expectDiagnostic('freeze conv1.w; train 1', 'MFX2032');
  });
});

describe('test sets', () => {
  const sets = (globs: string, dataset = '') => stepsOf(arm(expectPlan(`${dataset}train 1; eval ${globs}`), 'main'), 'eval')[0].testSets;

  it('resolves globs against the dataset\'s catalogue, in catalogue order, without duplicates', () => {
    expect(sets('pmnist.*')).toEqual(PMNIST);
    expect(sets('pmnist-fill.*')).toEqual(['pmnist-fill.noise', 'pmnist-fill.blur', 'pmnist-fill.digit', 'pmnist-fill.digits3']);
    expect(sets('pmnist.tcut, pmnist.hcut, pmnist.*cut')).toEqual(['pmnist.hcut', 'pmnist.vcut', 'pmnist.dcut', 'pmnist.tcut']);
    expect(sets('pfashion.unmodified', 'dataset fashion-mnist\n')).toEqual(['pfashion.unmodified']);
  });

  it('rejects a glob that matches nothing and lists what exists', () => {
    const d = expectDiagnostic('dataset fashion-mnist\ntrain 1; eval pmnist.*', 'MFX2033');
    expect(d.hint).toContain('pfashion.*');
    expect(d.hint).toContain('pfashion.unmodified');
  });
});

describe('step checks', () => {
  it.each([
    ['train 0', 'MFX2009'],
    ['train 1.5', 'MFX2009'],
    ['pretrain -2', 'MFX2009'],
    ['invert relu6; pretrain 1', 'MFX2030'],
    ['invert relu6; invert off; pretrain 1', 'MFX2030'],
    ['freeze *; train 1', 'MFX2031'],
    ['invert swish', 'MFX2034'],
    ['train 2 alternate', 'MFX2035'],
    ['invert relu6; invert off; train 2 alternate', 'MFX2035'],
    ['train 1; eval pmnist.* as a; eval pmnist.* as a', 'MFX2037'],
    ['train 1; eval pmnist.* as pretrained', 'MFX2038'],
    ['train 1; lr 0.1 for conv3', 'MFX2032'],
    ['lr 0 for conv*', 'MFX2009'],
    ['lr 0', 'MFX2009'],
  ])('%s → %s', (src, code) => {
    expectDiagnostic(src, code);
  });

  it('points `pretrain after invert` at the pretrain', () => {
    const src = 'invert relu6; pretrain 1';
    expect(spanText(src, expectDiagnostic(src, 'MFX2030'))).toBe('pretrain');
  });

  it('suggests the nearest activation', () => {
    expect(expectDiagnostic('invert relu5', 'MFX2034').hint).toBe('did you mean `relu6`?');
  });
});

describe('warnings', () => {
  it.each([
    ['invert relu; train 1; eval pmnist.*', 'MFX2100'],
    ['eval pmnist.*; train 1; eval pmnist.*', 'MFX2101'],
    ['freeze fc1; reset fc*; train 1; eval pmnist.*', 'MFX2102'],
    ['arm a { train 1 }', 'MFX2103'],
    ['pretrain 1; invert relu6; train 3 alternate; eval pmnist.*', 'MFX2104'],
  ])('%s → %s, and still a plan', (src, code) => {
    const d = expectDiagnostic(src, code);
    expect(d.severity).toBe('warning');
    expect(expectPlan(src).warnings.some((w) => w.includes(code))).toBe(true);
  });
});

describe('alternate training and the eval after it', () => {
  it('warns only when an odd `train N alternate` (last epoch on own features) is scored on inverted features', () => {
    expectClean('pretrain 1; invert relu6; train 2 alternate; eval pmnist.*'); // even: ends inverted (the research code's 10)
    expectClean('pretrain 1; invert relu6; train 3 alternate; invert off; eval pmnist.*'); // scored as trained last
    expectClean('pretrain 1; invert relu6; train 3 alternate; train 1; eval pmnist.*'); // a later train step decides
    expectDiagnostic('pretrain 1; invert relu6; train 1 alternate; eval pmnist.*', 'MFX2104');
  });
});

describe('state changes carried into train steps', () => {
  it('carries lr changes and inversion into later steps, and back with invert off', () => {
    const main = arm(expectClean('train 1; lr 0.001; invert tanh; train 1; invert off; train 1; eval pmnist.*'), 'main');
    const trains = stepsOf(main, 'train');
    expect(trains.map((t) => t.lr)).toEqual([0.01, 0.001, 0.001]);
    expect(trains.map((t) => t.feature)).toEqual([{ kind: 'model' }, { kind: 'inverted', activation: 'tanh' }, { kind: 'model' }]);
    expect(stepsOf(main, 'invert')[1].feature).toEqual({ kind: 'model' });
  });

  it('marks alternate training with the inversion it alternates with', () => {
    const [, t] = stepsOf(arm(expectClean('pretrain 1; invert sigmoid; train 2 alternate; eval pmnist.*'), 'main'), 'train');
    expect(t).toMatchObject({ alternate: true, feature: { kind: 'inverted', activation: 'sigmoid' } });
  });

  it('keeps save paths as written and resolves load paths against the file', () => {
    const main = arm(expectClean('load "../w/pre.bin"; train 1; save "after.bin"; eval pmnist.*'), 'main');
    expect(stepsOf(main, 'load')[0].path).toBe('/w/pre.bin');
    expect(stepsOf(main, 'save')[0].path).toBe('after.bin');
  });
});

describe('eval labels and the snapshot', () => {
  it('labels the last eval final and the others after-epoch-N, written labels win', () => {
    const main = arm(expectClean('train 2; eval pmnist.*; train 3; eval pmnist.hcut as mid; train 1; eval pmnist.*; train 1; eval pmnist.*'), 'main');
    expect(stepsOf(main, 'eval').map((e) => e.label)).toEqual(['after-epoch-2', 'mid', 'after-epoch-6', 'final']);
    expect(main.reportLabel).toBe('final');
  });

  it('reports the written label of the last eval', () => {
    expect(arm(expectClean('train 1; eval pmnist.* as end'), 'main').reportLabel).toBe('end');
  });

  it('never gives an automatic label that a written one uses', () => {
    const main = arm(expectClean('train 1; eval pmnist.* as final; train 1; eval pmnist.*'), 'main');
    expect(stepsOf(main, 'eval').map((e) => e.label)).toEqual(['final', 'final-2']);
  });

  it('evaluates the snapshot after the last pretrain, on every test set evaluated later', () => {
    const main = arm(expectClean('pretrain 1; pretrain 1; train 1; eval pmnist.tcut; train 1; eval pmnist.hcut'), 'main');
    expect(main.steps.map((s) => s.kind)).toEqual(['train', 'train', 'eval', 'train', 'eval', 'train', 'eval']);
    expect(main.steps[2]).toMatchObject({ snapshot: true, label: 'pretrained', testSets: ['pmnist.hcut', 'pmnist.tcut'] });
  });

  it('inserts no snapshot without pretrain, and none when nothing is evaluated later', () => {
    const noPre = arm(expectClean('train 1; eval pmnist.*'), 'main');
    expect(stepsOf(noPre, 'eval').some((e) => e.snapshot)).toBe(false);
    expect(noPre.baseline).toBeNull();
    const noLater = arm(expectPlan('train 1; eval pmnist.*; pretrain 1'), 'main');
    expect(stepsOf(noLater, 'eval').some((e) => e.snapshot)).toBe(false);
  });
});

describe('save paths', () => {
  it.each(['/abs/w.bin', '../w.bin', 'a/../../w.bin', ''])('rejects `save "%s"`', (path) => {
    expectDiagnostic(`train 1; save "${path}"; eval pmnist.*`, 'MFX2041');
  });

  it('accepts a relative path inside the run folder', () => {
    expect(stepsOf(arm(expectClean('train 1; save "weights/after.bin"; eval pmnist.*'), 'main'), 'save')[0].path).toBe('weights/after.bin');
  });
});
