// The direct stride-1 convolutions (runtime/backend/wasm-kernels/direct-conv.ts, kernels.wat's
// convGather and convFilterGrad) against the cpu backend's kernels, with the tolerance of
// wasm-kernels.test.ts (1e-5 of the largest reference magnitude), and independent of how the
// batch is cut: a batch computed whole or as two halves gives the same bits. Both modules: plain
// SIMD and relaxed SIMD (fused multiply-adds, MFX_WASM_RELAXED=on).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../../runtime/backend/wasm-kernels/index.js';
import { simdKernels, type SimdVariant } from '../../../runtime/backend/wasm-kernels/simd/simd-kernels.js';
import {
  conv2dDirect, convInputGradDirect, directConvApplies, directFilterGradApplies, filterGradDirect,
} from '../../../runtime/backend/wasm-kernels/direct-conv.js';
import { randomValues, relativeError } from '../../helpers/kernel-check.js';

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function onCpu(kernel: string, inputs: Record<string, tf.Tensor>, attrs: object): Float32Array {
  tf.setBackend('cpu');
  const copies = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, tf.tensor(t.dataSync(), t.shape)]));
  const out = tf.engine().runKernel(kernel, copies, attrs as tf.NamedAttrMap) as tf.Tensor;
  const values = out.dataSync() as Float32Array;
  tf.dispose([out, ...Object.values(copies)]);
  tf.setBackend('wasm');
  return values;
}

type Case = { name: string; x: number[]; filter: number[]; pad: 'valid' | 'same' };
const cases: Case[] = [
  { name: 'reference conv1 (batch 9: a block of 4 and a tail)', x: [9, 28, 28, 1], filter: [5, 5, 1, 10], pad: 'valid' },
  { name: 'reference conv2 (batch 6)', x: [6, 12, 12, 10], filter: [5, 5, 10, 20], pad: 'valid' },
  { name: '3x3 same, 3 → 4 channels', x: [5, 9, 9, 3], filter: [3, 3, 3, 4], pad: 'same' },
  { name: 'even filter same, 3 → 7 channels', x: [2, 7, 8, 3], filter: [4, 2, 3, 7], pad: 'same' },
  { name: 'one image, 2 → 1 channels, non-square', x: [1, 6, 11, 2], filter: [3, 4, 2, 1], pad: 'valid' },
  { name: '5 → 13 channels', x: [3, 8, 7, 5], filter: [2, 3, 5, 13], pad: 'valid' },
];

let backend: BackendWasm;
beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
  await tf.ready();
  backend = tf.backend() as BackendWasm;
});

function kernels(variant: SimdVariant) {
  const k = simdKernels(backend, variant);
  if (!k) throw new Error('WebAssembly SIMD unavailable');
  return k;
}
const wrap = (info: tf.TensorInfo) => tf.engine().makeTensorFromTensorInfo(info);

it('relaxed SIMD loads here (Node 20 with the V8 flag the loader sets) as a module of its own', () => {
  expect(kernels('relaxed')).not.toBe(kernels('plain'));
});

describe.each(['plain', 'relaxed'] as const)('direct convolution kernels (%s SIMD) match the cpu backend', (variant) => {
  const simd = () => kernels(variant);
  it.each(cases)('forward: $name', ({ x, filter, pad }) => {
    const info = tf.backend_util.computeConv2DInfo(x as never, filter as never, 1, 1, pad);
    expect(directConvApplies(info)).toBe(true);
    const xs = tf.tensor(randomValues(size(x), 1), x);
    const w = tf.tensor(randomValues(size(filter), 2), filter);
    const out = wrap(conv2dDirect(backend, simd(), xs, w, info));
    expect(out.shape).toEqual(info.outShape);
    const reference = onCpu('Conv2D', { x: xs, filter: w }, { strides: 1, pad, dataFormat: 'NHWC', dilations: 1 });
    expect(relativeError(reference, out.dataSync() as Float32Array)).toBeLessThan(1e-5);
    tf.dispose([xs, w, out]);
  });

  it.each(cases)('input gradient: $name', ({ x, filter, pad }) => {
    const info = tf.backend_util.computeConv2DInfo(x as never, filter as never, 1, 1, pad);
    const dy = tf.tensor(randomValues(size(info.outShape), 3), info.outShape);
    const w = tf.tensor(randomValues(size(filter), 4), filter);
    const dx = wrap(convInputGradDirect(backend, simd(), dy, w, info));
    expect(dx.shape).toEqual(x);
    const reference = onCpu('Conv2DBackpropInput', { dy, filter: w }, { strides: 1, pad, dataFormat: 'NHWC', inputShape: x });
    expect(relativeError(reference, dx.dataSync() as Float32Array)).toBeLessThan(1e-5);
    tf.dispose([dy, w, dx]);
  });

  it.each(cases.filter((c) => c.pad === 'valid'))('filter gradient: $name', ({ x, filter, pad }) => {
    const info = tf.backend_util.computeConv2DInfo(x as never, filter as never, 1, 1, pad);
    expect(directFilterGradApplies(info)).toBe(true);
    const xs = tf.tensor(randomValues(size(x), 5), x);
    const dy = tf.tensor(randomValues(size(info.outShape), 6), info.outShape);
    const dW = wrap(filterGradDirect(backend, simd(), xs, dy, info));
    expect(dW.shape).toEqual(filter);
    const reference = onCpu('Conv2DBackpropFilter', { x: xs, dy }, { strides: 1, pad, dataFormat: 'NHWC', filterShape: filter });
    expect(relativeError(reference, dW.dataSync() as Float32Array)).toBeLessThan(1e-5);
    tf.dispose([xs, dy, dW]);
  });

  it('forward and input gradient give each image the same bits whatever the batch around it', () => {
    const x = [7, 12, 12, 10];
    const filter = [5, 5, 10, 20];
    const info = tf.backend_util.computeConv2DInfo(x as never, filter as never, 1, 1, 'valid');
    const xs = tf.tensor(randomValues(size(x), 7), x);
    const w = tf.tensor(randomValues(size(filter), 8), filter);
    const whole = wrap(conv2dDirect(backend, simd(), xs, w, info));
    const tail = tf.slice(xs, [5, 0, 0, 0], [2, 12, 12, 10]);
    const tailInfo = tf.backend_util.computeConv2DInfo(tail.shape as never, filter as never, 1, 1, 'valid');
    const part = wrap(conv2dDirect(backend, simd(), tail, w, tailInfo));
    const wholeTail = tf.slice(whole, [5, 0, 0, 0], [2, 8, 8, 20]);
    expect(Buffer.from((part.dataSync() as Float32Array).buffer).equals(Buffer.from((wholeTail.dataSync() as Float32Array).buffer))).toBe(true);
    tf.dispose([xs, w, whole, tail, part, wholeTail]);
  });
});

describe('the registered kernels', () => {
  afterEach(() => {
    delete process.env.MFX_WASM_RELAXED;
  });

  it.each(['plain', 'relaxed'] as const)('run the direct kernels of the %s module (MFX_WASM_RELAXED=on for relaxed)', (variant) => {
    if (variant === 'relaxed') process.env.MFX_WASM_RELAXED = 'on';
    const x = [3, 12, 12, 10];
    const filter = [5, 5, 10, 20];
    const info = tf.backend_util.computeConv2DInfo(x as never, filter as never, 1, 1, 'valid');
    const xs = tf.tensor(randomValues(size(x), 9), x);
    const w = tf.tensor(randomValues(size(filter), 10), filter);
    const dy = tf.tensor(randomValues(size(info.outShape), 11), info.outShape);
    const conv = { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1 } as unknown as tf.NamedAttrMap;
    const pairs: [tf.Tensor, tf.Tensor][] = [
      [tf.engine().runKernel('Conv2D', { x: xs, filter: w }, conv) as tf.Tensor, wrap(conv2dDirect(backend, kernels(variant), xs, w, info))],
      [tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...conv, inputShape: x }) as tf.Tensor,
        wrap(convInputGradDirect(backend, kernels(variant), dy, w, info))],
      [tf.engine().runKernel('Conv2DBackpropFilter', { x: xs, dy }, { ...conv, filterShape: filter }) as tf.Tensor,
        wrap(filterGradDirect(backend, kernels(variant), xs, dy, info))],
    ];
    for (const [registered, direct] of pairs) {
      expect(Buffer.from((registered.dataSync() as Float32Array).buffer).equals(Buffer.from((direct.dataSync() as Float32Array).buffer))).toBe(true);
    }
    tf.dispose([xs, w, dy, ...pairs.flat()]);
  });
});
