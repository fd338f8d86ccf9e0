// End to end: the gradients of a whole training step of the reference net (written as
// plain tfjs-core ops, as the runtime does) on wasm with our kernels match the cpu backend.
// Relative tolerance 1e-4 per variable (float32 sums over a batch of 8, accumulated in a
// different order through six layers; the kernels alone agree to 1e-5).
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerWasmTrainingKernels } from '../../../runtime/backend/wasm-kernels/index.js';
import { registerTrainingGradients } from '../../../runtime/backend/gradients.js';

function values(shape: number[], seed: number): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

const SHAPES: Record<string, number[]> = {
  conv1W: [5, 5, 1, 10], conv1B: [10], conv2W: [5, 5, 10, 20], conv2B: [20],
  fc1W: [320, 50], fc1B: [50], fc2W: [50, 10], fc2B: [10],
};

/** Loss gradients w.r.t. all parameters, in the literal PyTorch layer order (no dropout: deterministic). */
function gradients(backend: 'cpu' | 'wasm', mode: 'plain' | 'relu6-invert'): Record<string, Float32Array> {
  tf.setBackend(backend);
  if (tf.getBackend() !== backend) throw new Error(`backend ${backend} is not active`);
  return tf.tidy(() => {
    const p: Record<string, tf.Variable> = {};
    Object.entries(SHAPES).forEach(([name, shape], i) => {
      // Weights scaled like PyTorch's default init so activations stay in a realistic range.
      const fanIn = name.startsWith('conv1') ? 25 : name.startsWith('conv2') ? 250 : name.startsWith('fc1') ? 320 : 50;
      p[name] = tf.variable(tf.mul(tf.tensor(values(shape, 100 + i), shape), 1 / Math.sqrt(fanIn)), true, `${backend}-${mode}-${name}`);
    });
    const x = tf.tensor4d(values([8, 28, 28, 1], 7), [8, 28, 28, 1]);
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10);
    const loss = () => {
      let h = tf.add(tf.conv2d(x, p.conv1W as tf.Tensor4D, 1, 'valid'), p.conv1B) as tf.Tensor4D;
      h = tf.relu(tf.maxPool(h, 2, 2, 'valid'));
      h = tf.add(tf.conv2d(h, p.conv2W as tf.Tensor4D, 1, 'valid'), p.conv2B) as tf.Tensor4D;
      h = tf.maxPool(h, 2, 2, 'valid');
      let f = tf.reshape(h, [8, 320]);
      f = mode === 'plain' ? tf.relu(f) : tf.sub(6, tf.relu6(f));
      const z = tf.relu(tf.add(tf.matMul(f, p.fc1W as tf.Tensor2D), p.fc1B));
      const logp = tf.logSoftmax(tf.add(tf.matMul(z as tf.Tensor2D, p.fc2W as tf.Tensor2D), p.fc2B));
      return tf.neg(tf.mean(tf.sum(tf.mul(logp, labels), 1))) as tf.Scalar;
    };
    const { grads } = tf.variableGrads(loss);
    const out: Record<string, Float32Array> = {};
    for (const [name, v] of Object.entries(p)) out[name] = grads[v.name].dataSync() as Float32Array;
    return out;
  });
}

beforeAll(async () => {
  await registerTrainingGradients();
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
  await tf.ready();
});

describe('reference net gradients on wasm', () => {
  it.each(['plain', 'relu6-invert'] as const)('match the cpu backend (%s features)', (mode) => {
    const reference = gradients('cpu', mode);
    const actual = gradients('wasm', mode);
    for (const name of Object.keys(SHAPES)) {
      const r = reference[name];
      const a = actual[name];
      let diff = 0;
      let scale = 0;
      for (let i = 0; i < r.length; i++) {
        diff = Math.max(diff, Math.abs(r[i] - a[i]));
        scale = Math.max(scale, Math.abs(r[i]));
      }
      expect(scale, `${name} gradient is all zero`).toBeGreaterThan(0);
      expect(diff / scale, name).toBeLessThan(1e-4);
    }
  });
});
