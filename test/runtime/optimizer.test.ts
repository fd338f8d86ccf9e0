import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import type { OptimizerSpec } from '../../compiler/plan.js';
import { initBackend } from '../../runtime/backend/select.js';
import { Optimizer } from '../../runtime/training/optimizer.js';
import { deviceUpdate, disposeState, type DeviceState } from '../../runtime/training/device-update.js';
import { createPrng } from '../../runtime/data/prng.js';

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

  it.each(['sgd', 'adam'] as const)('%s: a parameter in `rates` steps with its own rate, the others with lr, state kept per parameter', (kind) => {
    const spec: OptimizerSpec = kind === 'sgd' ? { kind, lr: 0.1, momentum: 0.9 } : { kind, lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
    // Reference: one parameter alone, stepped with the given rates.
    const alone = (rates: number[]) => {
      const opt = new Optimizer(spec);
      const p = tf.variable(tf.tensor1d([1, -2]));
      const params = new Map([['w', p]]);
      for (const r of rates) tf.tidy(() => opt.apply(params, { w: tf.tensor1d([0.5, -1]) }, r));
      const out = Array.from(p.dataSync());
      p.dispose();
      opt.dispose();
      return out;
    };
    const opt = new Optimizer(spec);
    const a = tf.variable(tf.tensor1d([1, -2]));
    const b = tf.variable(tf.tensor1d([1, -2]));
    const params = new Map([['a', a], ['b', b]]);
    const grads = () => ({ a: tf.tensor1d([0.5, -1]), b: tf.tensor1d([0.5, -1]) });
    // two steps with `a` slower, then one with every parameter at 0.05: `a`'s state carries over
    tf.tidy(() => opt.apply(params, grads(), 0.1, { a: 0.01 }));
    tf.tidy(() => opt.apply(params, grads(), 0.1, { a: 0.01 }));
    tf.tidy(() => opt.apply(params, grads(), 0.05));
    expect(Array.from(a.dataSync())).toEqual(alone([0.01, 0.01, 0.05]));
    expect(Array.from(b.dataSync())).toEqual(alone([0.1, 0.1, 0.05]));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(b.dataSync()));
    a.dispose();
    b.dispose();
    opt.dispose();
  });
});

// The tensor formulation the JavaScript update replaced is the device update webgpu runs
// (runtime/training/device-update.ts): the two must agree bit for bit where both run.
describe.each(['cpu', 'wasm'] as const)('the JavaScript update on %s', (backend) => {
  const specs: OptimizerSpec[] = [
    { kind: 'sgd', lr: 0.01, momentum: 0.5 },
    { kind: 'sgd', lr: 0.03, momentum: 0.9 },
    { kind: 'sgd', lr: 0.3, momentum: 0 },
    { kind: 'adam', lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
  ];
  it.each(specs)('is bit for bit the device update (tensor formulation) over 20 steps (%o)', async (spec) => {
    await initBackend(backend);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const prng = createPrng(seed).float;
        const n = 97;
        const start = Float32Array.from({ length: n }, () => (prng() - 0.5) * 2);
        const ours = tf.variable(tf.tensor1d(start));
        const theirs = tf.variable(tf.tensor1d(start));
        const opt = new Optimizer(spec);
        const state: DeviceState = new Map();
        for (let step = 1; step <= 20; step++) {
          // Gradients over several magnitudes, with exact zeros, as real ones have.
          const g = tf.tensor1d(Float32Array.from({ length: n }, (_, i) => (i % 13 === 0 ? 0 : (prng() - 0.5) * 10 ** Math.floor(prng() * 8 - 5))));
          tf.tidy(() => opt.apply(new Map([['w', ours]]), { w: g }, spec.lr));
          deviceUpdate(spec, state, theirs, g, spec.lr, step);
          g.dispose();
        }
        const same = Buffer.from(ours.dataSync().buffer).equals(Buffer.from(theirs.dataSync().buffer));
        ours.dispose();
        theirs.dispose();
        disposeState(state);
        return same;
      }),
      { numRuns: 20 },
    );
  });
});
