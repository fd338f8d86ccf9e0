// Times single wasm kernels at the reference net's batch-64 shapes: process CPU time,
// min over repeats, so the figure is the kernel's own cost on a machine shared with other work.
// Usage: node --import tsx bench/kernels.ts
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { initWasmTraining } from './wasm-backend.js';
import { convInputGradByGemm } from '../runtime/backend/wasm-kernels/col2im.js';

await initWasmTraining();

function time(label: string, f: () => tf.Tensor | tf.Tensor[], reps = 30): number {
  for (let i = 0; i < 3; i++) tf.dispose(f());
  const samples: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < reps; i++) tf.dispose(f());
    const used = process.cpuUsage(t0);
    samples.push((used.user + used.system) / 1000 / reps);
  }
  const best = Math.min(...samples);
  console.log(`${label.padEnd(44)} ${best.toFixed(3)} ms cpu`);
  return best;
}
const run = (name: string, inputs: tf.NamedTensorMap, attrs: object) => () =>
  tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;

const x1 = tf.randomNormal([64, 28, 28, 1]);
const w1 = tf.randomNormal([5, 5, 1, 10]);
const y1 = tf.randomNormal([64, 24, 24, 10]);
const p1 = tf.maxPool(y1 as tf.Tensor4D, 2, 2, 'valid');
const x2 = tf.randomNormal([64, 12, 12, 10]);
const w2 = tf.randomNormal([5, 5, 10, 20]);
const y2 = tf.randomNormal([64, 8, 8, 20]);
const p2 = tf.maxPool(y2 as tf.Tensor4D, 2, 2, 'valid');
const conv = { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1 };

time('Conv2D conv1 fwd', run('Conv2D', { x: x1, filter: w1 }, conv));
time('Conv2D conv2 fwd', run('Conv2D', { x: x2, filter: w2 }, conv));
time('BackpropFilter conv1', run('Conv2DBackpropFilter', { x: x1, dy: y1 }, { ...conv, filterShape: [5, 5, 1, 10] }));
time('BackpropFilter conv2', run('Conv2DBackpropFilter', { x: x2, dy: y2 }, { ...conv, filterShape: [5, 5, 10, 20] }));
time('BackpropInput conv2', run('Conv2DBackpropInput', { dy: y2, filter: w2 }, { ...conv, inputShape: [64, 12, 12, 10] }));
time('BackpropInput conv2, GEMM + col2im', () => tf.engine().makeTensorFromTensorInfo(convInputGradByGemm(
  tf.backend() as BackendWasm, y2, w2, { batch: 64, inHeight: 12, inWidth: 12, inChannels: 10, outHeight: 8, outWidth: 8,
    outChannels: 20, filterHeight: 5, filterWidth: 5, strideHeight: 1, strideWidth: 1, padTop: 0, padLeft: 0 })));
time('BackpropInput conv1 (not needed)', run('Conv2DBackpropInput', { dy: y1, filter: w1 }, { ...conv, inputShape: [64, 28, 28, 1] }));
time('MaxPoolGrad pool1', run('MaxPoolGrad', { dy: p1, input: y1, output: p1 }, { filterSize: 2, strides: 2, pad: 'valid' }));
time('MaxPoolGrad pool2', run('MaxPoolGrad', { dy: p2, input: y2, output: p2 }, { filterSize: 2, strides: 2, pad: 'valid' }));
time('MaxPool pool1', run('MaxPool', { x: y1 }, { filterSize: 2, strides: 2, pad: 'valid' }));
time('Transpose x1 [3,1,2,0]', run('Transpose', { x: x1 }, { perm: [3, 1, 2, 0] }));
time('Transpose y1 [1,2,0,3]', run('Transpose', { x: y1 }, { perm: [1, 2, 0, 3] }));
time('Transpose x2 [3,1,2,0]', run('Transpose', { x: x2 }, { perm: [3, 1, 2, 0] }));
time('Transpose y2 [1,2,0,3]', run('Transpose', { x: y2 }, { perm: [1, 2, 0, 3] }));
const x1t = tf.transpose(x1, [3, 1, 2, 0]);
const y1t = tf.transpose(y1, [1, 2, 0, 3]);
time('conv of transposed (conv1 dW core)', run('Conv2D', { x: x1t, filter: y1t }, conv));
const x2t = tf.transpose(x2, [3, 1, 2, 0]);
const y2t = tf.transpose(y2, [1, 2, 0, 3]);
time('conv of transposed (conv2 dW core)', run('Conv2D', { x: x2t, filter: y2t }, conv));
const w2r = tf.transpose(tf.reverse(w2, [0, 1]), [0, 1, 3, 2]);
time('full conv (conv2 dx core)', run('Conv2D', { x: y2, filter: w2r }, { ...conv, pad: [[0, 0], [4, 4], [4, 4], [0, 0]] }));
const a = tf.randomNormal([64, 320]);
const b = tf.randomNormal([320, 50]);
const d = tf.randomNormal([64, 50]);
time('MatMul fwd 64x320 * 320x50', run('BatchMatMul', { a: tf.reshape(a, [1, 64, 320]), b: tf.reshape(b, [1, 320, 50]) }, { transposeA: false, transposeB: false }));
time('MatMul dW a^T d (transposeA)', run('BatchMatMul', { a: tf.reshape(a, [1, 64, 320]), b: tf.reshape(d, [1, 64, 50]) }, { transposeA: true, transposeB: false }));
time('MatMul dx d b^T (transposeB)', run('BatchMatMul', { a: tf.reshape(d, [1, 64, 50]), b: tf.reshape(b, [1, 320, 50]) }, { transposeA: false, transposeB: true }));
