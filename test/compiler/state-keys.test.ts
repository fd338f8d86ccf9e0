import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import { arm, expectClean } from './helpers.js';

describe('state keys and shared prefixes', () => {
  const reference = compile(readFileSync(new URL('../../examples/reference.mfx', import.meta.url), 'utf8'), 'examples/reference.mfx').plan!;

  it('gives the arms of the reference experiment the shared prefixes they have', () => {
    expect(reference.arms.map((a) => [a.name, a.sharedPrefix])).toEqual([
      ['baseline', 0],
      ['inverted', 0],
      ['hybrid', 2], // the baseline's pretrain 10 and its snapshot eval
      ['hybrid-relu6', 4], // ... and freeze conv*, reset fc* like hybrid
      ['hybrid-nr', 2], // freezes conv*.weight only: shares just the pretraining
      ['alternate', 5], // ... and freeze conv*, reset fc*, invert relu like hybrid
    ]);
    expect(arm(reference, 'baseline').steps[0].stateKey).toBe(arm(reference, 'hybrid-nr').steps[0].stateKey);
  });

  it('tells `train N alternate` apart from a plain train step (and so from states cached before its order changed)', () => {
    const key = (src: string) => arm(expectClean(src), 'main').steps.filter((s) => s.kind === 'train')[1].stateKey;
    expect(key('pretrain 1; invert relu6; train 2 alternate; eval pmnist.*')).not.toBe(key('pretrain 1; invert relu6; train 2; eval pmnist.*'));
  });

  it('ignores the pretrain flag, layout and comments, but not the steps', () => {
    const key = (src: string) => arm(expectClean(src), 'main').steps[0].stateKey;
    expect(key('pretrain 3; eval pmnist.*')).toBe(key('train 3 # same computation\neval pmnist.*'));
    expect(key('train 3; eval pmnist.*')).not.toBe(key('train 4; eval pmnist.*'));
    expect(key('batch 32\ntrain 3; eval pmnist.*')).not.toBe(key('train 3; eval pmnist.*'));
  });

  it('does not depend on the seed (the runtime keys by seed itself)', () => {
    const key = (src: string) => arm(expectClean(src), 'main').steps[0].stateKey;
    expect(key('seed 2\ntrain 3; eval pmnist.*')).toBe(key('train 3; eval pmnist.*'));
  });

  it('keeps the key across evals and saves, and changes it with every state-changing step', () => {
    const steps = arm(expectClean('train 1; eval pmnist.*; save "a"; freeze conv1; lr 0.1; train 1; eval pmnist.*'), 'main').steps;
    const keys = steps.map((s) => s.stateKey);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).toBe(keys[0]);
    expect(new Set([keys[0], keys[3], keys[4], keys[5]]).size).toBe(4);
    expect(keys[6]).toBe(keys[5]);
  });
});
