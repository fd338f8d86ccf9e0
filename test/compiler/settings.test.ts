import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import { expectClean, expectDiagnostic, FILE, spanText } from './helpers.js';

describe('settings: defaults', () => {
  it('uses mnist, reference, sgd 0.01/0.5, batch 64, seed 1, repeat 1 and the file name as title', () => {
    const plan = expectClean('train 1; eval pmnist.*');
    expect(plan).toMatchObject({
      title: 'test',
      dataset: { kind: 'mnist' },
      optimizer: { kind: 'sgd', lr: 0.01, momentum: 0.5 },
      batch: 64,
      seed: 1,
      repeat: 1,
      seeds: [1],
      file: FILE,
    });
    expect(plan.model.name).toBe('reference');
  });

  it('fills adam defaults', () => {
    expect(expectClean('optimizer adam\ntrain 1; eval pmnist.*').optimizer).toEqual({ kind: 'adam', lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
  });
});

describe('settings: values', () => {
  it('reads every setting', () => {
    const plan = expectClean(
      'experiment "My run"\ndataset fashion-mnist\noptimizer sgd lr 0.1 momentum 0.9\nbatch 32\nseed 5\nrepeat 3\ntrain 1; eval pfashion.*',
    );
    expect(plan).toMatchObject({
      title: 'My run',
      dataset: { kind: 'fashion-mnist', dir: '/usr/share/datasets/fashion-mnist' },
      optimizer: { lr: 0.1, momentum: 0.9 },
      batch: 32,
      seed: 5,
      repeat: 3,
      seeds: [5, 6, 7],
    });
  });

  it('resolves dataset folders against the file\'s folder', () => {
    // Without a dataset reader the compiler cannot know an IDX folder's shape: it says so (MFX2130) and assumes 28x28x1.
    const idx = compile('dataset idx "digits"\ntrain 1; eval pidx.*', FILE);
    expect(idx.diagnostics.map((d) => d.code)).toEqual(['MFX2130']);
    expect(idx.plan!.dataset).toEqual({ kind: 'idx', dir: '/experiments/digits' });
    expect(expectClean('dataset fashion-mnist "/data/f"\ntrain 1; eval pfashion.*').dataset).toEqual({ kind: 'fashion-mnist', dir: '/data/f' });
  });

  it('uses the file name without extension as the default title', () => {
    expect(compile('train 1; eval pmnist.*', 'some/dir/my-exp.mfx').plan?.title).toBe('my-exp');
  });
});

describe('settings: errors', () => {
  it('rejects a setting given twice and points at the first', () => {
    const src = 'seed 1\nseed 2\ntrain 1';
    const d = expectDiagnostic(src, 'MFX2001');
    expect(d.offset).toBe(7);
    expect(d.related?.[0]).toMatchObject({ message: 'first set here', offset: 0 });
  });

  it('treats both model forms as the same setting', () => {
    expectDiagnostic('model reference\nmodel { flatten; d: dense 10 }\ntrain 1', 'MFX2001');
  });

  it('rejects settings after the first step', () => {
    const src = 'train 1\nbatch 32';
    expect(spanText(src, expectDiagnostic(src, 'MFX2002'))).toBe('batch');
  });

  it('rejects settings inside an arm', () => {
    const src = 'arm a { seed 2; train 1 }';
    expect(spanText(src, expectDiagnostic(src, 'MFX2003'))).toBe('seed');
  });

  it.each([
    ['dataset cifar', 'MFX2004'],
    ['dataset mnist "dir"', 'MFX2004'],
    ['dataset idx', 'MFX2005'],
    ['optimizer rmsprop', 'MFX2007'],
    ['optimizer adam momentum 0.5', 'MFX2008'],
    ['optimizer sgd lr 0.1 lr 0.2', 'MFX2001'],
    ['optimizer sgd momentum 1', 'MFX2009'],
    ['batch 0', 'MFX2009'],
    ['batch 2.5', 'MFX2009'],
    ['seed -1', 'MFX2009'],
    ['repeat 0', 'MFX2009'],
  ])('%s → %s', (setting, code) => {
    expectDiagnostic(`${setting}\ntrain 1; eval pmnist.*`, code);
  });
});
