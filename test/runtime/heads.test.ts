// Heads in the network (issue 15): a head's forward pass against arithmetic done by hand, summed
// logits, per-head inversion, seeded initialisation, training only the parameters a step names,
// and the frozen-feature cache serving every head bit for bit.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../runtime/backend/select.js';
import { addHead, createNetwork, disposeNetwork, forward, forwardCut, networkParams, type Network } from '../../runtime/model/network.js';
import { initialValues, INIT_PURPOSE } from '../../runtime/model/init.js';
import { Optimizer } from '../../runtime/training/optimizer.js';
import { trainEpoch } from '../../runtime/training/train-epoch.js';
import { buildFeatureCache } from '../../runtime/reuse/feature-cache.js';
import { readParams } from '../../runtime/store/weights-file.js';
import type { FeatureTransform, ModelSpec } from '../../compiler/plan.js';
import { ALL_PARAMS, CONV_PARAMS, FC_PARAMS, syntheticImages, tinyModel } from './helpers/tiny-plan.js';
import { headParams, headStep } from './helpers/heads.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const INVERTED: FeatureTransform = { kind: 'inverted', activation: 'relu6' };
const MODEL: FeatureTransform = { kind: 'model' };

/** relu, flatten, one dense layer: small enough to compute by hand. */
function microModel(): ModelSpec {
  return {
    name: 'micro',
    inputShape: [1, 1, 3],
    classes: 2,
    layers: [
      { kind: 'activation', activation: 'relu', inShape: [1, 1, 3], outShape: [1, 1, 3] },
      { kind: 'flatten', inShape: [1, 1, 3], outShape: [3] },
      { kind: 'dense', name: 'fc1', units: 2, inShape: [3], outShape: [2], params: ['fc1.weight', 'fc1.bias'] },
    ],
    params: [
      { name: 'fc1.weight', layer: 'fc1', role: 'weight', shape: [3, 2], size: 6, fanIn: 3 },
      { name: 'fc1.bias', layer: 'fc1', role: 'bias', shape: [2], size: 2, fanIn: 3 },
    ],
    totalParams: 8,
    featureBoundary: 1,
    featureActivation: 0,
  };
}

function setParam(net: Network, name: string, values: number[]): void {
  const v = net.params.get(name)!;
  tf.tidy(() => v.assign(tf.tensor(values, v.shape, 'float32')));
}

/** x · W + b for a row x and a row-major [in, out] W. */
function dense(x: number[], w: number[], b: number[]): number[] {
  return b.map((bias, j) => x.reduce((acc, xi, i) => acc + xi * w[i * b.length + j], bias));
}

const snapshot = (net: Network) => Object.fromEntries(readParams(net).map((p) => [p.name, Array.from(p.values)]));

describe('a head on the shared features', () => {
  const W_MAIN = [1, 2, 3, 4, 5, 6];
  const B_MAIN = [0.5, -0.5];
  const W_MISSING = [-1, 0, 0, 1, 1, -1];
  const B_MISSING = [0.25, 0];
  const IMAGES = [
    [-1, 0.5, 2],
    [3, -2, 7],
  ];

  function microNet(): Network {
    const spec = microModel();
    const net = createNetwork(spec, 1);
    addHead(net, headStep(spec, 'missing'), 1);
    setParam(net, 'fc1.weight', W_MAIN);
    setParam(net, 'fc1.bias', B_MAIN);
    setParam(net, 'missing.fc1.weight', W_MISSING);
    setParam(net, 'missing.fc1.bias', B_MISSING);
    return net;
  }

  const logits = (net: Network, options: Omit<Parameters<typeof forward>[2], 'dropout'>) =>
    tf.tidy(() => forward(net, tf.tensor4d(IMAGES.flat(), [2, 1, 1, 3]), { ...options, dropout: null }).arraySync());

  it('computes its logits on its own inverted features, and the sum of an expression, as by hand', () => {
    const net = microNet();
    const own = IMAGES.map((x) => x.map((v) => Math.max(v, 0))); // relu
    const inverted = IMAGES.map((x) => x.map((v) => 6 - Math.min(Math.max(v, 0), 6))); // 6 - relu6
    const main = own.map((f) => dense(f, W_MAIN, B_MAIN));
    const missing = inverted.map((f) => dense(f, W_MISSING, B_MISSING));
    const heads = { main: MODEL, missing: INVERTED };
    const close = (actual: number[][], expected: number[][]) => actual.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 5)));
    close(logits(net, { feature: MODEL }), main);
    close(logits(net, { feature: MODEL, on: ['missing'], heads }), missing);
    close(logits(net, { feature: MODEL, on: ['main', 'missing'], heads }), main.map((row, i) => row.map((v, j) => v + missing[i][j])));
    // Without an inversion of its own, the head reads the model's features like main.
    close(logits(net, { feature: MODEL, on: ['missing'] }), own.map((f) => dense(f, W_MISSING, B_MISSING)));
    // Inverting main only leaves the other head on the model's features.
    const mainInverted = inverted.map((f) => dense(f, W_MAIN, B_MAIN));
    close(logits(net, { feature: INVERTED, on: ['main', 'missing'], heads: { main: INVERTED, missing: MODEL } }), mainInverted.map((row, i) => row.map((v, j) => v + own.map((f) => dense(f, W_MISSING, B_MISSING))[i][j])));
    disposeNetwork(net);
  });

  it('refuses a head the network does not have', () => {
    const net = microNet();
    expect(() => logits(net, { feature: MODEL, on: ['main', 'extra'] })).toThrow(/no head extra/);
    disposeNetwork(net);
  });

  it('sums the logits of its heads exactly (the reference-shaped net, dropout off)', () => {
    const spec = tinyModel();
    const net = createNetwork(spec, 4);
    addHead(net, headStep(spec, 'missing'), 4);
    const x = tf.tensor4d(syntheticImages(6, 2).images, [6, 8, 8, 1]);
    const heads = { main: MODEL, missing: INVERTED };
    const run = (on: string[]) => tf.tidy(() => forward(net, x, { feature: MODEL, on, heads, dropout: null }).arraySync());
    const main = run(['main']);
    const missing = run(['missing']);
    const both = run(['main', 'missing']);
    const added = tf.tidy(() => tf.add(tf.tensor(main), tf.tensor(missing)).arraySync()) as number[][];
    expect(both).toEqual(added);
    expect(missing).not.toEqual(main);
    x.dispose();
    disposeNetwork(net);
  });
});

describe('head initialisation', () => {
  it('draws each head parameter from (seed, name) alone: the same whenever and wherever the head is added', () => {
    const spec = tinyModel();
    const step = headStep(spec, 'missing');
    const early = createNetwork(spec, 7);
    addHead(early, step, 7);
    const late = createNetwork(spec, 7);
    setParam(late, 'fc1.bias', new Array(8).fill(3)); // a network that has moved on
    addHead(late, step, 7);
    const other = createNetwork(spec, 8);
    addHead(other, step, 8);
    for (const p of step.params) {
      const a = Array.from(early.params.get(p.name)!.dataSync());
      expect(a).toEqual(Array.from(initialValues(p, 7, INIT_PURPOSE)));
      expect(Array.from(late.params.get(p.name)!.dataSync())).toEqual(a);
      expect(Array.from(other.params.get(p.name)!.dataSync())).not.toEqual(a);
    }
    // A fresh head, not a copy of the main head it mirrors.
    expect(Array.from(early.params.get('missing.fc1.weight')!.dataSync())).not.toEqual(Array.from(early.params.get('fc1.weight')!.dataSync()));
    expect(networkParams(early).map((p) => p.name)).toEqual([...ALL_PARAMS, ...headParams(step)]);
    for (const net of [early, late, other]) disposeNetwork(net);
  });
});

describe('training on a head expression', () => {
  const data = syntheticImages(24, 5);

  async function trained(trainable: string[], on: string[], withCache = false) {
    const spec = tinyModel();
    const net = createNetwork(spec, 2);
    const step = headStep(spec, 'missing');
    addHead(net, step, 2);
    const before = snapshot(net);
    const optimizer = new Optimizer({ kind: 'sgd', lr: 0.1, momentum: 0.5 });
    const features = withCache ? await buildFeatureCache(net, data, forwardCut(spec)!) : undefined;
    const losses: number[] = [];
    for (const epoch of [1, 2]) {
      const outcome = await trainEpoch({ net, optimizer, data, batchSize: 8, trainable, feature: MODEL, on, heads: { main: MODEL, missing: INVERTED }, lr: 0.1, seed: 3, stepIndex: 2, epoch, features });
      if (outcome.kind !== 'done') throw new Error(`epoch ${epoch}: ${outcome.kind}`);
      losses.push(outcome.meanLoss);
    }
    const after = snapshot(net);
    disposeNetwork(net);
    optimizer.dispose();
    const changed = Object.keys(before).filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]));
    return { changed, after, losses };
  }

  const MISSING = headParams(headStep(tinyModel(), 'missing'));

  it('changes only the trainable parameters of the heads it reads', async () => {
    expect((await trained(MISSING, ['missing'])).changed).toEqual(MISSING);
    expect((await trained(FC_PARAMS, ['main'])).changed).toEqual(FC_PARAMS);
    // `train on missing` with the conv biases still trainable (freeze conv*.weight): they change too, fc* does not.
    const biases = CONV_PARAMS.filter((p) => p.endsWith('.bias'));
    expect((await trained([...biases, ...MISSING], ['missing'])).changed).toEqual([...biases, ...MISSING]);
    expect((await trained([...FC_PARAMS, ...MISSING], ['main', 'missing'])).changed).toEqual([...FC_PARAMS, ...MISSING]);
  });

  it('trains the same with the frozen-feature cache serving both heads, bit for bit', async () => {
    const both = [...FC_PARAMS, ...MISSING];
    const plain = await trained(both, ['main', 'missing']);
    const cached = await trained(both, ['main', 'missing'], true);
    expect(cached.losses).toEqual(plain.losses);
    expect(cached.after).toEqual(plain.after);
  });
});
