import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../runtime/backend/select.js';
import { executePlan } from '../../runtime/run/execute.js';
import type { RunEvent } from '../../runtime/events.js';
import type { ModelSpec, Plan, StepSpec } from '../../compiler/plan.js';
import { createNetwork, disposeNetwork, forward, forwardCut } from '../../runtime/model/network.js';
import { seededDropout } from '../../runtime/model/dropout.js';
import { createPrng } from '../../runtime/data/prng.js';
import { buildFeatureCache, decideFeatureCache } from '../../runtime/reuse/feature-cache.js';
import { gatherBatch } from '../../runtime/training/image-batch.js';
import { ALL_PARAMS, CONV_PARAMS, FC_PARAMS, arm, evalStep, syntheticData, syntheticImages, tinyModel, tinyPlan, train } from './helpers/tiny-plan.js';

const freshDir = () => path.join(mkdtempSync(path.join(tmpdir(), 'mfx-fcache-')), 'run');
const INVERTED = { kind: 'inverted', activation: 'relu6' } as const;

// The hybrid arm: pretrain everything, then freeze the conv part and train the head on
// inverted features (two train steps after freezing, so the cache is built twice).
function hybridPlan(): Plan {
  return tinyPlan([
    arm('hybrid', [
      train(2, { pretrain: true }),
      evalStep('pretrained'),
      { kind: 'reset', params: FC_PARAMS, stateKey: '' },
      train(3, { trainable: FC_PARAMS, feature: INVERTED }),
      train(2, { trainable: FC_PARAMS, feature: INVERTED, alternate: true }),
      evalStep('final', undefined, INVERTED),
    ]),
  ]);
}

async function run(plan: Plan, backend: 'cpu' | 'wasm', featureCacheBytes?: number) {
  const events: RunEvent[] = [];
  const dir = freshDir();
  const results = await executePlan(plan, { backend, runDir: dir, loadData: syntheticData(), batchEventIntervalMs: 0, featureCacheBytes, onEvent: (e) => events.push(e) });
  const weightsDir = path.join(dir, 'weights', plan.arms[0].name, 'seed-1');
  const weights = readdirSync(weightsDir).sort().map((f) => readFileSync(path.join(weightsDir, f)));
  const losses = events.flatMap((e) => (e.type === 'epoch-end' ? [e.loss] : []));
  const warnings = events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
  return { results, losses, weights, warnings };
}

// Counts Conv2D kernel calls on a backend, to see that cached epochs skip the frozen convolutions.
function countConvCalls(backend: string): { count: () => number; restore: () => void } {
  const original = tf.getKernel('Conv2D', backend)!;
  let calls = 0;
  tf.unregisterKernel('Conv2D', backend);
  tf.registerKernel({ ...original, kernelFunc: (args) => (calls++, original.kernelFunc(args)) });
  return {
    count: () => calls,
    restore: () => {
      tf.unregisterKernel('Conv2D', backend);
      tf.registerKernel(original);
    },
  };
}

describe('frozen-feature cache', () => {
  let restore: (() => void) | null = null;
  afterEach(() => {
    restore?.();
    restore = null;
  });

  it('cuts the reference-shaped net after pool(conv2)+bias, with dropout2d left to the tail', () => {
    const cut = forwardCut(tinyModel());
    expect(cut).toEqual({ resumeAt: 6, pendingMasks: [4], shape: [2, 2, 4] });
    expect(decideFeatureCache(tinyModel(), FC_PARAMS, 100, 1e9)).toMatchObject({ kind: 'use', bytes: 100 * 16 * 4 });
    expect(decideFeatureCache(tinyModel(), ALL_PARAMS, 100, 1e9)).toEqual({ kind: 'ineligible' });
    expect(decideFeatureCache(tinyModel(), [...FC_PARAMS, CONV_PARAMS[0]], 100, 1e9)).toEqual({ kind: 'ineligible' });
    expect(decideFeatureCache(tinyModel(), FC_PARAMS, 100, 1000)).toMatchObject({ kind: 'too-big', bytes: 6400, limit: 1000 });
  });

  it('gives bitwise the logits of the full forward pass, with the same dropout masks', async () => {
    await initBackend('cpu');
    const net = createNetwork(tinyModel(), 3);
    const data = syntheticImages(40, 5);
    const cache = await buildFeatureCache(net, data, forwardCut(tinyModel())!);
    const indices = [7, 3, 39, 0, 21, 22];
    const [full, cached] = [false, true].map((useCache) =>
      tf.tidy(() => {
        const dropout = seededDropout(createPrng(9));
        const options = { feature: INVERTED, dropout };
        const logits = useCache ? cache.forward(net, cache.gather(indices).x, options) : forward(net, gatherBatch(data, indices).x, options);
        return logits.dataSync().slice();
      }),
    );
    expect(Array.from(cached)).toEqual(Array.from(full));
    disposeNetwork(net);
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`trains frozen steps to bitwise the uncached losses, weights and evaluations (${backend})`, async () => {
      await initBackend(backend);
      const counter = countConvCalls(backend);
      restore = counter.restore;
      const uncached = await run(hybridPlan(), backend, 0);
      const uncachedConvs = counter.count();
      const cached = await run(hybridPlan(), backend);
      const cachedConvs = counter.count() - uncachedConvs;
      expect(cachedConvs).toBeLessThan(uncachedConvs * 0.6); // the 5 frozen epochs run no convolution
      expect(cached.losses).toEqual(uncached.losses);
      expect(cached.results.evals).toEqual(uncached.results.evals);
      expect(cached.weights).toEqual(uncached.weights);
      expect(cached.warnings).toEqual([]);
    });
  }

  it('lets a later arm that froze the same pretrained layers reuse the cache (same results, fewer convolutions)', async () => {
    await initBackend('cpu');
    const keyed = (key: string, step: StepSpec): StepSpec => ({ ...step, stateKey: key });
    const hybrid = (name: string, activation: 'relu6' | 'sigmoid', keys: boolean) =>
      arm(name, [
        keyed(keys ? 'k0' : '', train(2, { pretrain: true })),
        keyed(keys ? 'k1' : '', { kind: 'reset', params: FC_PARAMS, stateKey: '' }),
        keyed(keys ? `k2-${name}` : '', train(2, { trainable: FC_PARAMS, feature: { kind: 'inverted', activation } })),
        evalStep('final', undefined, { kind: 'inverted', activation }),
      ]);
    const plan = (keys: boolean) => tinyPlan([hybrid('a', 'relu6', keys), hybrid('b', 'sigmoid', keys)]);
    const counter = countConvCalls('cpu');
    restore = counter.restore;
    const shared = await run(plan(true), 'cpu');
    const sharedConvs = counter.count();
    const alone = await run(plan(false), 'cpu');
    const aloneConvs = counter.count() - sharedConvs;
    const uncached = await run(plan(true), 'cpu', 0);
    expect(shared.results.evals).toEqual(uncached.results.evals);
    expect(alone.results.evals).toEqual(uncached.results.evals);
    expect(shared.losses).toEqual(uncached.losses);
    // One fill of 48 images in batches of 128 = 2 convolutions (conv1, conv2) saved.
    expect(aloneConvs - sharedConvs).toBe(2);
  });

  it('cuts the research code\'s layer order (relu, pool, flatten) before the feature activation, and trains to bitwise the uncached results', async () => {
    const model = pooledTinyModel();
    expect(forwardCut(model)).toEqual({ resumeAt: 4, pendingMasks: [], shape: [2, 2, 4] });
    await initBackend('cpu');
    const plan = () => ({ ...hybridPlan(), model, arms: hybridPlan().arms.map((a) => ({ ...a, steps: a.steps.map((st) => (st.kind === 'train' && st.feature.kind === 'inverted' ? { ...st, feature: { kind: 'inverted', activation: 'relu' } } : st)) as StepSpec[] })) });
    const uncached = await run(plan() as Plan, 'cpu', 0);
    const cached = await run(plan() as Plan, 'cpu');
    expect(cached.losses).toEqual(uncached.losses);
    expect(cached.results.evals).toEqual(uncached.results.evals);
    expect(cached.weights).toEqual(uncached.weights);
    expect(cached.losses.every(Number.isFinite)).toBe(true);
  });

  it('falls back to the uncached path with a warning when the cache would exceed its limit', async () => {
    const uncached = await run(hybridPlan(), 'cpu', 0);
    const capped = await run(hybridPlan(), 'cpu', 1000); // 48 images x 16 floats = 3,072 bytes
    expect(capped.warnings).toHaveLength(2);
    expect(capped.warnings[0]).toMatch(/frozen-feature cache skipped: .* over the 0 MiB limit/);
    expect(capped.losses).toEqual(uncached.losses);
  });
});

/** tinyModel with the research code's order before the boundary: conv2, relu, pool 2, flatten (featureActivation 4). */
function pooledTinyModel(): ModelSpec {
  const base = tinyModel();
  const layers = base.layers.slice(0, 4); // conv1, pool, relu, conv2 ([2, 2, 4])
  layers.push(
    { kind: 'activation', activation: 'relu', inShape: [2, 2, 4], outShape: [2, 2, 4] },
    { kind: 'pool', size: 2, inShape: [2, 2, 4], outShape: [1, 1, 4] },
    { kind: 'flatten', inShape: [1, 1, 4], outShape: [4] },
    { ...(base.layers[8] as Extract<ModelSpec['layers'][number], { kind: 'dense' }>), inShape: [4] },
    ...base.layers.slice(9),
  );
  const params = base.params.map((p) => (p.name === 'fc1.weight' ? { ...p, shape: [4, 8], size: 32, fanIn: 4 } : p.name === 'fc1.bias' ? { ...p, fanIn: 4 } : p));
  return { ...base, name: 'tiny-pooled', layers, params, totalParams: params.reduce((a, p) => a + p.size, 0), featureBoundary: 6, featureActivation: 4 };
}
