import { describe, expect, it } from 'vitest';
import { PlanFormatError, planToJson, readPlan } from '../../compiler/plan-io.js';
import { planHash } from '../../compiler/plan-hash.js';
import { expectClean, expectDiagnostic, expectPlan } from './helpers.js';

const plan = expectPlan('pretrain 1; freeze conv*; invert relu; reset fc*; train 1 alternate; lr 0.1; save "w"; load "p"; unfreeze conv1; train 1; eval pmnist.*');

function mutated(f: (p: Record<string, any>) => void): unknown {
  const copy = JSON.parse(planToJson(plan));
  f(copy);
  return copy;
}

describe('plan JSON', () => {
  it('round-trips every step kind through planToJson and readPlan', () => {
    expect(readPlan(JSON.parse(planToJson(plan)))).toEqual(plan);
  });

  it('carries the hash of its content', () => {
    expect(plan.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(planHash(plan)).toBe(plan.hash);
  });

  it.each([
    ['not an object', () => 42, /expected an object/],
    ['another schema', () => mutated((p) => (p.schema = 'other')), /schema: expected "mfx.plan"/],
    ['another version', () => mutated((p) => (p.version = 2)), /version: this mfx reads plan version 1, the file has 2/],
    ['a missing field', () => mutated((p) => delete p.batch), /batch: expected a whole number/],
    ['a bad step kind', () => mutated((p) => (p.arms[0].steps[0].kind = 'dance')), /arms\[0\]\.steps\[0\]\.kind: expected one of/],
    ['a bad nested field', () => mutated((p) => (p.arms[0].steps[0].epochs = '1')), /arms\[0\]\.steps\[0\]\.epochs: expected a whole number/],
    ['a bad feature', () => mutated((p) => (p.arms[0].steps[3].feature.activation = 'gelu')), /feature\.activation/],
    ['no arms', () => mutated((p) => (p.arms = [])), /at least one arm/],
    ['edited content', () => mutated((p) => (p.seed = 99)), /hash: does not match/],
  ])('rejects %s with a PlanFormatError naming the field', (_what, make, message) => {
    expect(() => readPlan(make())).toThrow(PlanFormatError);
    expect(() => readPlan(make())).toThrow(message);
  });

  it('accepts a plan whose file and warnings changed (they are not hashed)', () => {
    expect(() => readPlan(mutated((p) => ((p.file = 'elsewhere.mfx'), (p.warnings = []))))).not.toThrow();
  });
});

describe('plan JSON with heads', () => {
  const heads = expectPlan('pretrain 1; freeze conv*; head missing; invert relu6 on missing; train 1 on main + missing; eval pmnist.hcut as sum on main + missing; eval pmnist.hcut');
  const steps = heads.arms[0].steps;
  const index = (kind: string, n = 0) => steps.map((s, i) => (s.kind === kind ? i : -1)).filter((i) => i >= 0)[n];
  const edited = (f: (p: Record<string, any>) => void): unknown => {
    const copy = JSON.parse(planToJson(heads));
    f(copy);
    copy.hash = planHash(copy); // a plan written that way, not damaged on the way: the checks below must catch it
    return copy;
  };

  it('round-trips the head step and the on/heads fields', () => {
    expect(readPlan(JSON.parse(planToJson(heads)))).toEqual(heads);
  });

  const train = index('train', 1);
  const evalSum = index('eval', 1);
  const head = index('head');
  const invert = index('invert');
  it.each([
    ['an empty `on`', () => edited((p) => (p.arms[0].steps[train].on = [])), new RegExp(`steps\\[${train}\\]\\.on: expected at least one head`)],
    ['`on` not a list of names', () => edited((p) => (p.arms[0].steps[train].on = 'main')), /\.on: expected an array/],
    ['an unknown head in `on`', () => edited((p) => (p.arms[0].steps[evalSum].on = ['main', 'other'])), /\.on\[1\]: "other" is not a head of this arm/],
    ['a bad head transform', () => edited((p) => (p.arms[0].steps[train].heads.missing = { kind: 'inverted', activation: 'gelu' })), /\.heads\.missing\.activation: expected one of/],
    ['`heads` missing a head', () => edited((p) => delete p.arms[0].steps[train].heads.missing), /\.heads: expected the transforms of the heads main, missing/],
    ['`heads` absent once a head exists', () => edited((p) => delete p.arms[0].steps[evalSum].heads), /\.heads: expected the transforms of the heads main, missing/],
    ['an invert on an unknown head', () => edited((p) => (p.arms[0].steps[invert].heads = ['absent'])), /\.heads\[0\]: "absent" is not a head/],
    ['a head step without parameters', () => edited((p) => delete p.arms[0].steps[head].params), new RegExp(`steps\\[${head}\\]\\.params: expected an array`)],
    ['a head parameter without a shape', () => edited((p) => delete p.arms[0].steps[head].params[0].shape), /\.params\[0\]\.shape: expected an array/],
    ['a head layer of an unknown kind', () => edited((p) => (p.arms[0].steps[head].layers[0].kind = 'lstm')), /\.layers\[0\]\.kind: expected one of/],
    ['a head added twice', () => edited((p) => p.arms[0].steps.splice(head, 0, p.arms[0].steps[head])), /\.name: the head "missing" already exists/],
    ['a head used before its step', () => edited((p) => p.arms[0].steps.splice(head, 0, p.arms[0].steps[train])), /is not a head of this arm/],
  ])('rejects %s', (_what, make, message) => {
    expect(() => readPlan(make())).toThrow(PlanFormatError);
    expect(() => readPlan(make())).toThrow(message);
  });
});

describe('plan hash', () => {
  const hash = (src: string) => expectClean(src).hash;

  it('ignores layout and comments', () => {
    expect(hash('pretrain 1; train 1; eval pmnist.*')).toBe(hash('# a comment\npretrain 1\n\n  train   1  # more\neval pmnist.*\n'));
  });

  it('changes when a step or a setting changes', () => {
    const base = hash('train 1; eval pmnist.*');
    expect(hash('train 2; eval pmnist.*')).not.toBe(base);
    expect(hash('train 1; eval pmnist.hcut')).not.toBe(base);
    expect(hash('seed 3\ntrain 1; eval pmnist.*')).not.toBe(base);
  });
});

describe('shards in the plan', () => {
  it('is 2 by default, what `shards N` says, and 1 with `batch 1`', () => {
    expect(plan.shards).toBe(2);
    expect(expectPlan('shards 3\ntrain 1; eval pmnist.*').shards).toBe(3);
    expect(expectPlan('batch 1\ntrain 1; eval pmnist.*').shards).toBe(1);
  });

  it('is bounded: 1,024 at most (MFX2080), a whole number above 0 (MFX2160), at most the batch (MFX2161)', () => {
    expect(expectDiagnostic('batch 60000\nshards 1025\ntrain 1; eval pmnist.*', 'MFX2080').message).toBe('The shard count is at most 1,024 in mfx, found `1025`');
    expect(expectDiagnostic('shards 2.5\ntrain 1; eval pmnist.*', 'MFX2160').message).toContain('found `2.5`');
    expect(expectDiagnostic('batch 8\nshards 9\ntrain 1; eval pmnist.*', 'MFX2161').message).toContain('its 8 images');
    expect(expectPlan('batch 8\nshards 8\ntrain 1; eval pmnist.*').shards).toBe(8);
  });

  it('enters the hash, except one shard: such plans keep the hashes they had before shards existed', () => {
    const one = expectPlan('shards 1\ntrain 1; eval pmnist.*');
    const two = expectPlan('train 1; eval pmnist.*');
    const { shards: _dropped, ...before } = one;
    expect(planHash(before as typeof one)).toBe(one.hash);
    expect(two.hash).not.toBe(one.hash);
    expect(two.arms[0].steps[0].stateKey).not.toBe(one.arms[0].steps[0].stateKey);
  });

  it('reads a plan written before shards existed as one shard, with its hash intact', () => {
    const one = expectPlan('shards 1\ntrain 1; eval pmnist.*');
    const old = JSON.parse(planToJson(one));
    delete old.shards;
    expect(readPlan(old).shards).toBe(1);
    expect(() => readPlan(mutated((p) => (p.shards = 65)))).toThrow(/shards: expected a whole number from 1 to the batch size \(64\)/);
  });
});
