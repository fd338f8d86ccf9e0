import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../runtime/backend/select.js';
import { applyFeatureActivation } from '../../runtime/model/feature-transform.js';
import { createNetwork, disposeNetwork, forward } from '../../runtime/model/network.js';
import type { ModelSpec } from '../../compiler/plan.js';
import { tinyModel } from './helpers/tiny-plan.js';

const Z = [-7, -1, -0.25, 0, 0.5, 3, 6, 9];
const FORMULAS = {
  relu6: (z: number) => 6 - Math.min(Math.max(z, 0), 6),
  sigmoid: (z: number) => 1 - 1 / (1 + Math.exp(-z)),
  tanh: (z: number) => -Math.tanh(z),
  relu: (z: number) => 1 - Math.max(z, 0),
} as const;

beforeAll(async () => {
  await initBackend('cpu');
});

describe('feature inversion', () => {
  for (const [activation, formula] of Object.entries(FORMULAS)) {
    it(`invert ${activation} computes the language sketch's formula on known inputs`, () => {
      const out = tf.tidy(() => applyFeatureActivation({ kind: 'inverted', activation: activation as keyof typeof FORMULAS }, tf.tensor1d(Z)).arraySync() as number[]);
      out.forEach((v, i) => expect(v).toBeCloseTo(formula(Z[i]), 5));
    });
  }

  it('replaces the model feature activation: the inverted forward pass equals fc layers applied to f(z)', () => {
    const spec = tinyModel();
    const net = createNetwork(spec, 3);
    const x = tf.randomUniform([2, 8, 8, 1], -1, 1, 'float32', 5) as tf.Tensor4D;
    // Recompute by hand: everything up to the feature activation's input z, then relu6 inversion, then the head.
    const manual = tf.tidy(() => {
      const p = (n: string) => net.params.get(n)!;
      let h: tf.Tensor = tf.add(tf.conv2d(x, p('conv1.weight') as tf.Tensor4D, 1, 'valid'), p('conv1.bias'));
      h = tf.relu(tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid'));
      const z = tf.add(tf.conv2d(h as tf.Tensor4D, p('conv2.weight') as tf.Tensor4D, 1, 'valid'), p('conv2.bias'));
      const f = tf.reshape(tf.sub(6, tf.relu6(z)), [2, 16]);
      const a = tf.relu(tf.add(tf.matMul(f as tf.Tensor2D, p('fc1.weight') as tf.Tensor2D), p('fc1.bias')));
      return tf.add(tf.matMul(a as tf.Tensor2D, p('fc2.weight') as tf.Tensor2D), p('fc2.bias')).arraySync() as number[][];
    });
    const viaForward = tf.tidy(() => forward(net, x, { feature: { kind: 'inverted', activation: 'relu6' }, dropout: null }).arraySync());
    viaForward.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(manual[i][j], 5)));
    x.dispose();
    disposeNetwork(net);
  });
});

/** conv → relu → pool 2 → flatten → dense on a 6x6x1 input: the research code's layer order in miniature. */
function pooledModel(): ModelSpec {
  const param = (layer: string, role: 'weight' | 'bias', shape: number[], fanIn: number) => ({ name: `${layer}.${role}`, layer, role, shape, size: shape.reduce((a, b) => a * b, 1), fanIn });
  const params = [param('c', 'weight', [3, 3, 1, 2], 9), param('c', 'bias', [2], 9), param('d', 'weight', [8, 3], 8), param('d', 'bias', [3], 8)];
  return {
    name: 'pooled',
    inputShape: [6, 6, 1],
    classes: 3,
    layers: [
      { kind: 'conv', name: 'c', filters: 2, kernel: [3, 3], stride: 1, padding: 'valid', inShape: [6, 6, 1], outShape: [4, 4, 2], params: ['c.weight', 'c.bias'] },
      { kind: 'activation', activation: 'relu', inShape: [4, 4, 2], outShape: [4, 4, 2] },
      { kind: 'pool', size: 2, inShape: [4, 4, 2], outShape: [2, 2, 2] },
      { kind: 'flatten', inShape: [2, 2, 2], outShape: [8] },
      { kind: 'dense', name: 'd', units: 3, inShape: [8], outShape: [3], params: ['d.weight', 'd.bias'] },
    ],
    params,
    totalParams: params.reduce((a, p) => a + p.size, 0),
    featureBoundary: 3,
    featureActivation: 1,
  };
}

describe('feature inversion across max-pooling (activation, pool, then invert)', () => {
  const ACT = { relu6: (z: number) => Math.min(Math.max(z, 0), 6), sigmoid: (z: number) => 1 / (1 + Math.exp(-z)), tanh: Math.tanh, relu: (z: number) => Math.max(z, 0) };
  const COMPLEMENT = { relu6: (y: number) => 6 - y, sigmoid: (y: number) => 1 - y, tanh: (y: number) => -y, relu: (y: number) => 1 - y };

  for (const activation of Object.keys(ACT) as (keyof typeof ACT)[]) {
    it(`invert ${activation}: the head sees complement(maxpool(${activation}(z))), computed by hand`, () => {
      const net = createNetwork(pooledModel(), 11);
      const x = tf.randomUniform([2, 6, 6, 1], -2, 2, 'float32', 9) as tf.Tensor4D;
      const p = (n: string) => net.params.get(n)!;
      // z: the conv's output (pre-activation), [2, 4, 4, 2], as plain numbers
      const z = tf.tidy(() => tf.add(tf.conv2d(x, p('c.weight') as tf.Tensor4D, 1, 'valid'), p('c.bias')).arraySync() as number[][][][]);
      const dW = p('d.weight').arraySync() as number[][];
      const dB = p('d.bias').arraySync() as number[];
      const byHand = (order: 'pool-then-invert' | 'invert-then-pool') =>
        z.map((img) => {
          const features: number[] = []; // NHWC flatten order: row, column, channel
          for (let r = 0; r < 2; r++)
            for (let c = 0; c < 2; c++)
              for (let ch = 0; ch < 2; ch++) {
                const window = [img[2 * r][2 * c][ch], img[2 * r][2 * c + 1][ch], img[2 * r + 1][2 * c][ch], img[2 * r + 1][2 * c + 1][ch]].map(ACT[activation]);
                features.push(order === 'pool-then-invert' ? COMPLEMENT[activation](Math.max(...window)) : Math.max(...window.map(COMPLEMENT[activation])));
              }
          return dB.map((b, k) => features.reduce((sum, f, i) => sum + f * dW[i][k], b));
        });
      const viaForward = tf.tidy(() => forward(net, x, { feature: { kind: 'inverted', activation }, dropout: null }).arraySync());
      const expected = byHand('pool-then-invert');
      viaForward.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 4)));
      // the order matters: complementing before the pool (a min-pool of ACT) gives other logits
      const wrongOrder = byHand('invert-then-pool');
      expect(viaForward.flat().some((v, i) => Math.abs(v - wrongOrder.flat()[i]) > 1e-3)).toBe(true);
      x.dispose();
      disposeNetwork(net);
    });
  }

  it('the model\'s own features are untouched: relu, pool, flatten as written', () => {
    const net = createNetwork(pooledModel(), 11);
    const x = tf.randomUniform([2, 6, 6, 1], -2, 2, 'float32', 9) as tf.Tensor4D;
    const p = (n: string) => net.params.get(n)!;
    const manual = tf.tidy(() => {
      const h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, p('c.weight') as tf.Tensor4D, 1, 'valid'), p('c.bias'))) as tf.Tensor4D, 2, 2, 'valid');
      return tf.add(tf.matMul(tf.reshape(h, [2, 8]) as tf.Tensor2D, p('d.weight') as tf.Tensor2D), p('d.bias')).arraySync() as number[][];
    });
    const viaForward = tf.tidy(() => forward(net, x, { feature: { kind: 'model' }, dropout: null }).arraySync());
    viaForward.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(manual[i][j], 5)));
    x.dispose();
    disposeNetwork(net);
  });
});
