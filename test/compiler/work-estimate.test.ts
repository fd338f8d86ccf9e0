import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import type { Plan } from '../../compiler/plan.js';
import { COST_MODEL, estimateWork, featureCut, trainingImages } from '../../compiler/work-estimate.js';
import { expectPlan } from './helpers.js';

function example(name: string): Plan {
  const file = `examples/${name}`;
  const { plan } = compile(readFileSync(file, 'utf8'), file);
  expect(plan).not.toBeNull();
  return plan!;
}

const cost = (full: number, headOnly: number, convForward: number, evalImages: number) =>
  full + headOnly * COST_MODEL.headOnlyImage + convForward * COST_MODEL.convForwardImage + evalImages * COST_MODEL.evalImage;

describe('work estimate', () => {
  it('counts examples/reference.mfx by hand: six arms sharing one pretraining, three head-only arms', () => {
    const w = estimateWork(example('reference.mfx'));
    expect(w.trainImages).toBe(60_000);
    expect(w.testImages).toBe(10_000);
    // Without: 10 + 10 + 4 x 20 = 100 epochs through the whole network; 11 evals of 5 test sets.
    expect(w.without).toEqual({ full: 6_000_000, headOnly: 0, convForward: 0, eval: 550_000 });
    // With: pretrain once (10 epochs), inverted 10, hybrid-nr's 10 (conv biases train) in full;
    // hybrid, hybrid-relu6, alternate: 10 epochs each on the head, each filling its cache once
    // (3 x 60,000 conv passes); evals: baseline 2, every other arm only its final.
    expect(w.with).toEqual({ full: 1_800_000, headOnly: 1_800_000, convForward: 180_000, eval: 350_000 });
    expect(trainingImages(w.with)).toBe(3_600_000);
    expect(w.cost.without).toBeCloseTo(cost(6_000_000, 0, 0, 550_000), 6);
    expect(w.cost.with).toBeCloseTo(cost(1_800_000, 1_800_000, 180_000, 350_000), 6);
    expect(w.cost.with).toBeCloseTo(2_208_700, 6);
    expect(w.speedup).toBeCloseTo(6_093_500 / 2_208_700, 6);
    expect(w.costBasis).toBe('training and eval');

    const byArm = Object.fromEntries(w.arms.map((a) => [a.arm, a]));
    expect(byArm['hybrid-nr'].steps.filter((s) => s.headOnly)).toEqual([]);
    expect(byArm['hybrid'].steps.filter((s) => s.headOnly).map((s) => s.index)).toEqual([5]);
    expect(byArm['alternate'].steps.filter((s) => s.shared).map((s) => s.index)).toEqual([0, 1]);
    expect(w.arms.map((a) => a.with.convForward)).toEqual([0, 0, 60_000, 60_000, 0, 60_000]);
    // conv2 -> dropout2d -> pool runs fused (masks after the pool), so the cut is the pool's output.
    expect(w.featureCache).toEqual({ eligible: true, shape: [4, 4, 20], bytes: 60_000 * 320 * 4, limitBytes: 1024 ** 3, used: true });
  });

  it('counts the one-liner by hand: pretraining in full, the 20 head-only epochs on cached features', () => {
    const w = estimateWork(example('oneliner.mfx'));
    expect(w.without).toEqual({ full: 1_800_000, headOnly: 0, convForward: 0, eval: 100_000 });
    expect(w.with).toEqual({ full: 600_000, headOnly: 1_200_000, convForward: 60_000, eval: 100_000 });
    expect(w.cost.without).toBeCloseTo(1_817_000, 6);
    expect(w.cost.with).toBeCloseTo(841_400, 6);
  });

  it('uses the cache only when every conv parameter is frozen: conv*.weight leaves the biases training', () => {
    const all = estimateWork(expectPlan('pretrain 1\nfreeze conv*\ntrain 2\n'));
    expect(all.with).toEqual({ full: 60_000, headOnly: 120_000, convForward: 60_000, eval: 0 });
    const weights = estimateWork(expectPlan('pretrain 1\nfreeze conv*.weight\ntrain 2\n'));
    expect(weights.with).toEqual({ full: 180_000, headOnly: 0, convForward: 0, eval: 0 });
    expect(weights.featureCache.eligible).toBe(false);
    expect(weights.speedup).toBe(1);
    const oneLayer = estimateWork(expectPlan('pretrain 1\nfreeze conv1\ntrain 2\n'));
    expect(oneLayer.with.headOnly).toBe(0);
  });

  it('fills the cache at the start of every head-only train step', () => {
    const w = estimateWork(expectPlan('freeze conv*\ntrain 1\ntrain 1\nreset conv2\ntrain 1\nunfreeze conv*\ntrain 1\nfreeze conv*\ntrain 1\n'));
    expect(w.with).toEqual({ full: 60_000, headOnly: 4 * 60_000, convForward: 4 * 60_000, eval: 0 });
    expect(w.arms[0].steps.map((s) => s.headOnly)).toEqual([true, true, true, false, true]);
  });

  it('turns the cache off with a limit of 0', () => {
    const w = estimateWork(example('oneliner.mfx'), { cacheLimitBytes: 0 });
    expect(w.featureCache.used).toBe(false);
    expect(w.with.headOnly).toBe(0);
  });

  it('multiplies per-seed work by repeat; shared prefixes are computed once per seed', () => {
    const one = estimateWork(expectPlan('pretrain 2\narm a { freeze conv*\ntrain 2 }\narm b { train 2 }\neval pmnist.unmodified\n'));
    const three = estimateWork(expectPlan('repeat 3\npretrain 2\narm a { freeze conv*\ntrain 2 }\narm b { train 2 }\neval pmnist.unmodified\n'));
    // a: pretrain 2 + head 2; b: pretrain 2 (shared with a) + 2 in full. Evals: pretrained + final in a, final in b.
    expect(one.with).toEqual({ full: 240_000, headOnly: 120_000, convForward: 60_000, eval: 30_000 });
    expect(one.without).toEqual({ full: 480_000, headOnly: 0, convForward: 0, eval: 40_000 });
    expect(three.seeds).toBe(3);
    for (const k of ['full', 'headOnly', 'convForward', 'eval'] as const) {
      expect(three.with[k]).toBe(3 * one.with[k]);
      expect(three.without[k]).toBe(3 * one.without[k]);
    }
    expect(three.speedup).toBeCloseTo(one.speedup, 9);
  });

  it('takes image counts from options, capped at the dataset size', () => {
    const w = estimateWork(example('oneliner.mfx'), { trainImages: 3000, testImages: 1_000_000 });
    expect(w.trainImages).toBe(3000);
    expect(w.testImages).toBe(10_000);
    expect(w.with).toEqual({ full: 30_000, headOnly: 60_000, convForward: 3000, eval: 100_000 });
  });

  it('counts epochs and test-set passes for an idx folder without image counts, and speeds up training only', () => {
    const plan = expectPlan('dataset idx "/data/letters"\npretrain 1\nfreeze conv*\ntrain 3\neval pidx.*\n');
    const w = estimateWork(plan);
    expect(w.trainImages).toBeNull();
    expect(w.with).toEqual({ full: 1, headOnly: 3, convForward: 1, eval: 10 });
    expect(w.featureCache.bytes).toBeNull();
    expect(w.featureCache.used).toBe(true);
    expect(w.costBasis).toBe('training only');
    expect(w.cost.with).toBeCloseTo(cost(1, 3, 1, 0), 9);
    const given = estimateWork(plan, { trainImages: 500, testImages: 100 });
    expect(given.with).toEqual({ full: 500, headOnly: 1500, convForward: 500, eval: 1000 });
    expect(given.costBasis).toBe('training and eval');
  });

  it('trains the full network when the cache would exceed its limit', () => {
    // The cache takes 60,000 x 320 floats = 73 MiB.
    const w = estimateWork(example('oneliner.mfx'), { cacheLimitBytes: 50 * 1024 * 1024 });
    expect(w.featureCache.used).toBe(false);
    expect(w.with).toEqual({ full: 1_800_000, headOnly: 0, convForward: 0, eval: 100_000 });
  });

  it('caches the forward pass up to its last deterministic point, before the feature activation', () => {
    const noDropout = expectPlan('model {\n  conv1: conv 4 3x3\n  pool 2\n  relu\n  flatten\n  fc1: dense 10\n}\ntrain 1\n');
    expect(featureCut(noDropout.model)).toEqual({ resumeAt: 2, shape: [13, 13, 4] }); // relu is the feature activation
    expect(featureCut(example('custom-model.mfx').model)).toEqual({ resumeAt: 6, shape: [4, 4, 32] }); // after the fused conv2/dropout2d/pool
    expect(featureCut(expectPlan('model {\n  flatten\n  fc1: dense 10\n}\ntrain 1\n').model)).toBeNull();
    // model research: relu, pool, flatten; the cut is the feature activation's input (conv2's output), before the pool
    expect(featureCut(example('research-code.mfx').model)).toEqual({ resumeAt: 4, shape: [8, 8, 50] });
  });

  it('needs only the layers before the cut frozen: a conv after a dropout2d may train', () => {
    const model = 'model {\n  conv1: conv 4 3x3\n  relu\n  dropout2d 0.3\n  conv2: conv 8 3x3\n  pool 2\n  relu\n  flatten\n  fc1: dense 10\n}\n';
    expect(featureCut(expectPlan(`${model}train 1\n`).model)).toEqual({ resumeAt: 2, shape: [26, 26, 4] });
    expect(estimateWork(expectPlan(`${model}freeze conv1\ntrain 1\n`)).with.headOnly).toBe(60_000);
    expect(estimateWork(expectPlan(`${model}freeze conv2\ntrain 1\n`)).with.headOnly).toBe(0);
  });
});

describe('work estimate of steps on several heads', () => {
  it('counts one more head pass per image for each head a loss sums', () => {
    const arm = (on: string) => `pretrain 1\nfreeze conv*\nhead missing\ninvert relu6 on missing\ntrain 2 on ${on}\neval pmnist.* on ${on}\n`;
    const one = estimateWork(compile(arm('missing'), 'x.mfx').plan!);
    const two = estimateWork(compile(arm('main + missing'), 'x.mfx').plan!);
    expect(two.with.headOnly - one.with.headOnly).toBe(2 * 60_000);
    expect(two.without.headOnly - one.without.headOnly).toBe(2 * 60_000);
    expect(two.with.full).toBe(one.with.full);
  });
});

describe('work estimate agrees with the runtime', () => {
  // The compiler mirrors the runtime's cut (it cannot import it); this keeps the two in step.
  const models = [
    'model reference\n',
    readFileSync('examples/custom-model.mfx', 'utf8').replace(/optimizer[\s\S]*$/, ''),
    'model {\n  conv1: conv 4 3x3\n  pool 2\n  relu\n  flatten\n  fc1: dense 10\n}\n',
    'model {\n  conv1: conv 4 3x3\n  relu\n  dropout2d 0.3\n  conv2: conv 8 3x3\n  pool 2\n  relu\n  flatten\n  fc1: dense 10\n}\n',
    'model {\n  conv1: conv 4 3x3\n  pool 2\n  flatten\n  fc1: dense 10\n}\n',
    'model {\n  flatten\n  fc1: dense 32\n  relu\n  dropout 0.2\n  fc2: dense 10\n}\n',
  ];
  const freezes = ['', 'freeze conv*\n', 'freeze conv*.weight\n', 'freeze conv1\n', 'freeze conv2\n', 'freeze conv*, fc1\n'];

  it('on where the forward pass is cut and which train steps use the cache', async () => {
    const { forwardCut } = await import('../../runtime/model/network.js');
    const { decideFeatureCache, DEFAULT_FEATURE_CACHE_BYTES } = await import('../../runtime/reuse/feature-cache.js');
    expect(DEFAULT_FEATURE_CACHE_BYTES).toBe(1024 ** 3);
    let checked = 0;
    for (const model of models) {
      for (const freeze of freezes) {
        const { plan } = compile(`${model}${freeze}train 1\n`, 'agree.mfx');
        if (!plan) continue; // e.g. freeze conv2 in a model without conv2
        const runtimeCut = forwardCut(plan.model);
        const cut = featureCut(plan.model);
        expect(cut && { resumeAt: cut.resumeAt, shape: cut.shape }).toEqual(runtimeCut && { resumeAt: runtimeCut.resumeAt, shape: runtimeCut.shape });
        const step = plan.arms[0].steps.find((s) => s.kind === 'train')!;
        if (step.kind !== 'train') throw new Error('no train step');
        const decision = decideFeatureCache(plan.model, step.trainable, 60_000, DEFAULT_FEATURE_CACHE_BYTES);
        const w = estimateWork(plan);
        expect(w.arms[0].steps.find((s) => s.kind === 'train')!.headOnly, `${model}${freeze}`).toBe(decision.kind === 'use');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});
