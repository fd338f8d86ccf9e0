// The wasm training kernels must agree with the cpu backend's kernels, which are
// the slow reference implementation shipped with tfjs. Tolerances are relative to
// the largest reference magnitude: 1e-5 for the convolution gradients (float32
// sums of up to ~10^5 products accumulated in a different order), 1e-6 for
// MaxPoolGrad (which only routes values, never rounds).
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../../runtime/backend/wasm-kernels/index.js';
import { convInputGradByGemm } from '../../../runtime/backend/wasm-kernels/col2im.js';
import { makeConv2dBackpropInputConfig } from '../../../runtime/backend/wasm-kernels/conv2d-backprop-input.js';
import { randomValues as lcgValues, relativeError } from '../../helpers/kernel-check.js';

type Inputs = Record<string, { values: Float32Array; shape: number[] }>;

function runKernel(backend: 'cpu' | 'wasm', kernel: string, inputs: Inputs, attrs: object) {
  tf.setBackend(backend);
  const tensors: Record<string, tf.Tensor> = {};
  for (const [name, { values, shape }] of Object.entries(inputs)) tensors[name] = tf.tensor(values, shape);
  const out = tf.engine().runKernel(kernel, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
  const result = { values: out.dataSync() as Float32Array, shape: out.shape };
  tf.dispose([out, ...Object.values(tensors)]);
  return result;
}

/** Seeded values for a tensor of this shape. */
function randomValues(shape: number[], seed: number): Float32Array {
  return lcgValues(shape.reduce((a, b) => a * b, 1), seed);
}

function compare(kernel: string, inputs: Inputs, attrs: object) {
  const reference = runKernel('cpu', kernel, inputs, attrs);
  const actual = runKernel('wasm', kernel, inputs, attrs);
  return { reference, actual, error: relativeError(reference.values, actual.values) };
}

type ConvCase = { name: string; x: number[]; filter: number[]; strides: number | [number, number]; pad: 'valid' | 'same' };

const convCases: ConvCase[] = [
  { name: 'reference conv1 (batch 8)', x: [8, 28, 28, 1], filter: [5, 5, 1, 10], strides: 1, pad: 'valid' },
  { name: 'reference conv2 (batch 8)', x: [8, 12, 12, 10], filter: [5, 5, 10, 20], strides: 1, pad: 'valid' },
  { name: '3x3 same', x: [4, 9, 9, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { name: 'stride 2 valid', x: [4, 9, 9, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'valid' },
  { name: 'stride 2 same', x: [4, 10, 10, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'same' },
  { name: 'stride 3, uncovered tail, non-square filter', x: [3, 10, 11, 2], filter: [4, 2, 2, 5], strides: 3, pad: 'valid' },
  { name: 'even filter same', x: [2, 7, 8, 3], filter: [4, 4, 3, 2], strides: 1, pad: 'same' },
  // One input channel, stride 1 across: the filter gradient's GEMM form (filter-grad-gemm.ts).
  { name: 'one channel, stride 2 down and 1 across, uncovered last row', x: [3, 12, 9, 1], filter: [3, 2, 1, 4], strides: [2, 1], pad: 'valid' },
  { name: 'one channel, same padding (convolution form)', x: [2, 9, 9, 1], filter: [3, 3, 1, 5], strides: 1, pad: 'same' },
];

beforeAll(async () => {
  registerWasmTrainingKernels();
  registerWasmTrainingKernels(); // idempotent
  await tf.setBackend('wasm');
  await tf.ready();
});

describe('Conv2DBackpropFilter on wasm', () => {
  it.each(convCases)('matches cpu: $name', ({ x, filter, strides, pad }) => {
    const info = tf.backend_util.computeConv2DInfo(x as never, filter as never, strides, 1, pad);
    const inputs = {
      x: { values: randomValues(x, 1), shape: x },
      dy: { values: randomValues(info.outShape, 2), shape: info.outShape },
    };
    const { actual, error } = compare('Conv2DBackpropFilter', inputs, {
      strides, pad, dataFormat: 'NHWC', filterShape: filter,
    });
    expect(actual.shape).toEqual(filter);
    expect(error).toBeLessThan(1e-5);
  });
});

describe('Conv2DBackpropInput on wasm', () => {
  it.each(convCases)('matches cpu: $name', ({ x, filter, strides, pad }) => {
    const info = tf.backend_util.computeConv2DInfo(x as never, filter as never, strides, 1, pad);
    const inputs = {
      dy: { values: randomValues(info.outShape, 3), shape: info.outShape },
      filter: { values: randomValues(filter, 4), shape: filter },
    };
    const { actual, error } = compare('Conv2DBackpropInput', inputs, {
      strides, pad, dataFormat: 'NHWC', inputShape: x,
    });
    expect(actual.shape).toEqual(x);
    expect(error).toBeLessThan(1e-5);
  });
});

describe('Conv2D input gradient by GEMM + col2im (all strides)', () => {
  it.each(convCases)('matches cpu: $name', ({ x, filter, strides, pad }) => {
    const info = tf.backend_util.computeConv2DInfo(x as never, filter as never, strides, 1, pad);
    const dyValues = randomValues(info.outShape, 3);
    const wValues = randomValues(filter, 4);
    const reference = runKernel('cpu', 'Conv2DBackpropInput', {
      dy: { values: dyValues, shape: info.outShape },
      filter: { values: wValues, shape: filter },
    }, { strides, pad, dataFormat: 'NHWC', inputShape: x });
    tf.setBackend('wasm');
    const dy = tf.tensor(dyValues, info.outShape);
    const w = tf.tensor(wValues, filter);
    const dx = tf.engine().makeTensorFromTensorInfo(convInputGradByGemm(tf.backend() as BackendWasm, dy, w, {
      batch: info.batchSize, inHeight: info.inHeight, inWidth: info.inWidth, inChannels: info.inChannels,
      outHeight: info.outHeight, outWidth: info.outWidth, outChannels: info.outChannels,
      filterHeight: info.filterHeight, filterWidth: info.filterWidth,
      strideHeight: info.strideHeight, strideWidth: info.strideWidth,
      padTop: info.padInfo.top, padLeft: info.padInfo.left,
    }));
    expect(dx.shape).toEqual(x);
    expect(relativeError(reference.values, dx.dataSync() as Float32Array)).toBeLessThan(1e-5);
    tf.dispose([dy, w, dx]);
  });
});

describe('Conv2D input gradient by full convolution (the stride-1 alternative strategy)', () => {
  it.each(convCases.filter((c) => c.strides === 1))('matches cpu: $name', ({ x, filter, strides, pad }) => {
    const info = tf.backend_util.computeConv2DInfo(x as never, filter as never, strides, 1, pad);
    const dyValues = randomValues(info.outShape, 3);
    const wValues = randomValues(filter, 4);
    const attrs = { strides, pad, dataFormat: 'NHWC', inputShape: x };
    const reference = runKernel('cpu', 'Conv2DBackpropInput', {
      dy: { values: dyValues, shape: info.outShape },
      filter: { values: wValues, shape: filter },
    }, attrs);
    tf.setBackend('wasm');
    const dy = tf.tensor(dyValues, info.outShape);
    const w = tf.tensor(wValues, filter);
    const kernel = makeConv2dBackpropInputConfig(undefined, 'full-conv').kernelFunc;
    const dx = tf.engine().makeTensorFromTensorInfo(kernel({ inputs: { dy, filter: w }, backend: tf.backend(), attrs }) as tf.TensorInfo);
    expect(relativeError(reference.values, dx.dataSync() as Float32Array)).toBeLessThan(1e-5);
    tf.dispose([dy, w, dx]);
  });
});

function maxPoolInputs(x: Float32Array, shape: number[], filterSize: number | [number, number],
  strides: number | [number, number], pad: 'valid' | 'same' | number, dySeed: number): Inputs {
  tf.setBackend('cpu');
  const y = tf.tidy(() => tf.maxPool(tf.tensor4d(x, shape as [number, number, number, number]), filterSize, strides, pad));
  const output = { values: y.dataSync() as Float32Array, shape: y.shape };
  y.dispose();
  return {
    dy: { values: randomValues(output.shape, dySeed), shape: output.shape },
    input: { values: x, shape },
    output,
  };
}

describe('MaxPoolGrad on wasm', () => {
  const poolCases = [
    { name: 'reference pool1 2x2/2 (batch 8)', shape: [8, 24, 24, 10], filterSize: 2, strides: 2, pad: 'valid' as const },
    { name: 'reference pool2 2x2/2 (batch 8)', shape: [8, 8, 8, 20], filterSize: 2, strides: 2, pad: 'valid' as const },
    { name: 'overlapping 3x3/2 same', shape: [2, 9, 9, 3], filterSize: 3, strides: 2, pad: 'same' as const },
    { name: 'overlapping 3x3/1 valid', shape: [2, 7, 6, 2], filterSize: 3, strides: 1, pad: 'valid' as const },
    { name: 'non-tiling 2x2/2 on odd size', shape: [2, 7, 7, 3], filterSize: 2, strides: 2, pad: 'valid' as const },
    { name: 'tiling 3x3/3', shape: [2, 9, 6, 4], filterSize: 3, strides: 3, pad: 'valid' as const },
    { name: 'tiling 2x3/(2,3)', shape: [3, 4, 9, 2], filterSize: [2, 3] as [number, number], strides: [2, 3] as [number, number], pad: 'valid' as const },
  ];
  it.each(poolCases)('matches cpu: $name', ({ shape, filterSize, strides, pad }) => {
    const inputs = maxPoolInputs(randomValues(shape, 5), shape, filterSize, strides, pad, 6);
    const { actual, error } = compare('MaxPoolGrad', inputs, { filterSize, strides, pad });
    expect(actual.shape).toEqual(shape);
    expect(error).toBeLessThan(1e-6);
  });

  it('routes the gradient of an all-negative window to its maximum (stock wasm kernel does not)', () => {
    // 4x4 input, 2x2/2 pooling; the top-left window is all negative with its max at
    // flat index 5 (row 1, col 1). The cpu backend routes dy there.
    const x = new Float32Array([
      -4, -3, 1, 2,
      -2, -1, 3, 4,
      5, 6, -8, -7,
      7, 8, -6, -5,
    ]);
    const inputs = maxPoolInputs(x, [1, 4, 4, 1], 2, 2, 'valid', 7);
    const dy = inputs.dy.values;
    const { reference, actual } = compare('MaxPoolGrad', inputs, { filterSize: 2, strides: 2, pad: 'valid' });
    expect(Array.from(actual.values)).toEqual(Array.from(reference.values));
    expect(actual.values[5]).toBe(dy[0]);
    expect(actual.values[15]).toBe(dy[3]);
  });
});

describe('MaxPoolGrad ties', () => {
  it.each([
    { name: '2x2/2', shape: [1, 4, 4, 2], filterSize: 2 },
    { name: '3x3/3', shape: [1, 6, 6, 2], filterSize: 3 },
    { name: '3x3/2 overlapping', shape: [1, 7, 7, 2], filterSize: [3, 3] as [number, number] },
  ])('gives the gradient to the first maximum only, as cpu does: $name', ({ shape, filterSize }) => {
    // Values from {0, 1}: most windows hold several tied maxima (as after a relu).
    const x = randomValues(shape, 11).map((v) => (v > 0 ? 1 : 0));
    const strides = Array.isArray(filterSize) ? 2 : filterSize;
    const inputs = maxPoolInputs(x, shape, filterSize, strides, 'valid', 12);
    const { reference, actual } = compare('MaxPoolGrad', inputs, { filterSize, strides, pad: 'valid' });
    expect(Array.from(actual.values)).toEqual(Array.from(reference.values));
  });
});

describe('BatchMatMul on wasm (transposed operands)', () => {
  it.each([
    { name: 'dense dW = xᵀ·dy', a: [64, 320], b: [64, 50], transposeA: true, transposeB: false },
    { name: 'dense dx = dy·Wᵀ', a: [64, 50], b: [320, 50], transposeA: false, transposeB: true },
    { name: 'both, batched', a: [3, 7, 5], b: [3, 4, 7], transposeA: true, transposeB: true },
    { name: 'neither', a: [2, 5, 7], b: [2, 7, 3], transposeA: false, transposeB: false },
  ])('matches cpu: $name', ({ a, b, transposeA, transposeB }) => {
    const inputs = { a: { values: randomValues(a, 13), shape: a }, b: { values: randomValues(b, 14), shape: b } };
    const { reference, actual, error } = compare('BatchMatMul', inputs, { transposeA, transposeB });
    expect(actual.shape).toEqual(reference.shape);
    expect(error).toBeLessThan(1e-5);
  });
});

describe('intermediates', () => {
  it('frees every wasm buffer it allocates', () => {
    tf.setBackend('wasm');
    const backend = tf.backend() as BackendWasm;
    const before = backend.numDataIds();
    const { x, filter, strides, pad } = convCases[4];
    const info = tf.backend_util.computeConv2DInfo(x as never, filter as never, strides, 1, pad);
    const xs = tf.tensor(randomValues(x, 8), x);
    const dy = tf.tensor(randomValues(info.outShape, 9), info.outShape);
    const w = tf.tensor(randomValues(filter, 10), filter);
    const dW = tf.engine().runKernel('Conv2DBackpropFilter', { x: xs, dy }, { strides, pad, dataFormat: 'NHWC', filterShape: filter } as never) as tf.Tensor;
    const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [...info.outShape.slice(0, 3), filter[2]] } as never) as tf.Tensor;
    const mm = tf.engine().runKernel('BatchMatMul', { a: dy, b: dy }, { transposeA: true, transposeB: false } as never) as tf.Tensor;
    tf.dispose([xs, dy, w, dW, dx, mm]);
    expect(backend.numDataIds()).toBe(before);
  });
});
