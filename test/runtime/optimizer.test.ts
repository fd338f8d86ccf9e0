import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../runtime/backend/select.js';
import { Optimizer } from '../../runtime/training/optimizer.js';

beforeAll(async () => {
  await initBackend('cpu');
});

function run(opt: Optimizer, grads: number[][], start = [1, -2]): number[] {
  const p = tf.variable(tf.tensor1d(start));
  const params = new Map([['w', p]]);
  for (const g of grads) tf.tidy(() => opt.apply(params, { w: tf.tensor1d(g) }, 0.1));
  const out = Array.from(p.dataSync());
  p.dispose();
  opt.dispose();
  return out;
}

describe('optimisers follow PyTorch', () => {
  it('SGD with momentum: buf = g first, then m*buf + g; p -= lr*buf', () => {
    const g = [[1, 2], [3, -1], [0.5, 0.5]];
    let buf = [0, 0];
    const p = [1, -2];
    g.forEach((gi, k) => {
      buf = k === 0 ? [...gi] : buf.map((b, i) => 0.5 * b + gi[i]);
      for (let i = 0; i < 2; i++) p[i] -= 0.1 * buf[i];
    });
    const got = run(new Optimizer({ kind: 'sgd', lr: 0.1, momentum: 0.5 }), g);
    got.forEach((v, i) => expect(v).toBeCloseTo(p[i], 6));
  });

  it('Adam: bias-corrected moments, eps after the square root', () => {
    const g = [[1, 2], [3, -1]];
    const [b1, b2, eps, lr] = [0.9, 0.999, 1e-8, 0.1];
    const m = [0, 0];
    const v = [0, 0];
    const p = [1, -2];
    g.forEach((gi, k) => {
      const t = k + 1;
      for (let i = 0; i < 2; i++) {
        m[i] = b1 * m[i] + (1 - b1) * gi[i];
        v[i] = b2 * v[i] + (1 - b2) * gi[i] ** 2;
        const mh = m[i] / (1 - b1 ** t);
        const vh = v[i] / (1 - b2 ** t);
        p[i] -= (lr * mh) / (Math.sqrt(vh) + eps);
      }
    });
    const got = run(new Optimizer({ kind: 'adam', lr, beta1: b1, beta2: b2, epsilon: eps }), g);
    got.forEach((x, i) => expect(x).toBeCloseTo(p[i], 5));
  });

  it('clear() forgets a parameter: its next SGD step starts with buf = g again', () => {
    const opt = new Optimizer({ kind: 'sgd', lr: 0.1, momentum: 0.9 });
    const p = tf.variable(tf.tensor1d([0]));
    const params = new Map([['w', p]]);
    tf.tidy(() => opt.apply(params, { w: tf.tensor1d([1]) }, 1));
    opt.clear('w');
    tf.tidy(() => opt.apply(params, { w: tf.tensor1d([1]) }, 1));
    expect(p.dataSync()[0]).toBeCloseTo(-2, 6); // without clear it would be -1 - 1.9
    p.dispose();
    opt.dispose();
  });

  it('save() and restore() round-trip the state exactly', () => {
    const opt = new Optimizer({ kind: 'adam', lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    const p = tf.variable(tf.tensor1d([1, 2]));
    const params = new Map([['w', p]]);
    tf.tidy(() => opt.apply(params, { w: tf.tensor1d([0.3, -0.7]) }, 0.1));
    const saved = opt.save();
    const copy = new Optimizer(opt.spec);
    copy.restore(saved);
    expect(copy.save()).toEqual(saved);
    p.dispose();
    opt.dispose();
    copy.dispose();
  });
});
