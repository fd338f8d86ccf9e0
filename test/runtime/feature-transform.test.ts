import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../runtime/backend/select.js';
import { applyFeatureActivation } from '../../runtime/model/feature-transform.js';
import { createNetwork, disposeNetwork, forward } from '../../runtime/model/network.js';
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
