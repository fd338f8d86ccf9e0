// The WebAssembly SIMD inner loops (runtime/backend/wasm-kernels/simd/kernels.wat) must give
// the very bits of the JavaScript loops they replace, and the committed bytes must be the
// compiled text. MFX_WASM_SIMD=off switches a kernel to its JavaScript loop.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../../runtime/backend/wasm-kernels/index.js';
import { simdKernels } from '../../../runtime/backend/wasm-kernels/simd/simd-kernels.js';
import { KERNELS_RELAXED_WASM_BASE64, KERNELS_WASM_BASE64 } from '../../../runtime/backend/wasm-kernels/simd/kernels-wasm.js';
import { compileKernelsWat } from '../../../runtime/backend/wasm-kernels/simd/gen-kernels-wasm.js';
import { makeConv2dBackpropInputConfig } from '../../../runtime/backend/wasm-kernels/conv2d-backprop-input.js';

type KernelFunc = tf.KernelConfig['kernelFunc'];
// The GEMM + col2im strategy, which the registered kernel leaves for the direct one at stride 1.
const gemmInputGrad = makeConv2dBackpropInputConfig(undefined, 'gemm').kernelFunc;

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
  await tf.ready();
});

afterEach(() => {
  delete process.env.MFX_WASM_SIMD;
});

/** Deterministic values in [-1, 1), with a share of exact repeats, zeros and -0. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const r = s / 2 ** 32;
    out[i] = r < 0.05 ? -0 : r < 0.1 ? 0 : r < 0.2 ? 0.5 : r * 2 - 1;
  }
  return out;
}

function bits(t: tf.Tensor): Uint32Array {
  return new Uint32Array((t.dataSync() as Float32Array).slice().buffer);
}

/** Runs a kernel twice, with SIMD and with the JavaScript loop, and returns both outputs' bits. */
function bothWays(kernel: string | KernelFunc, inputs: Record<string, tf.Tensor>, attrs: object): [Uint32Array, Uint32Array] {
  const run = () => {
    const out = typeof kernel === 'string'
      ? (tf.engine().runKernel(kernel, inputs, attrs as tf.NamedAttrMap) as tf.Tensor)
      : tf.engine().makeTensorFromTensorInfo(kernel({ inputs, backend: tf.backend(), attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo);
    const b = bits(out);
    out.dispose();
    return b;
  };
  delete process.env.MFX_WASM_SIMD;
  const simd = run();
  process.env.MFX_WASM_SIMD = 'off';
  const js = run();
  return [simd, js];
}

describe('WebAssembly SIMD kernels', () => {
  it('load here (Node 20 has WebAssembly SIMD), and MFX_WASM_SIMD=off turns them off', () => {
    expect(simdKernels(tf.backend() as BackendWasm)).not.toBeNull();
    process.env.MFX_WASM_SIMD = 'off';
    expect(simdKernels(tf.backend() as BackendWasm)).toBeNull();
  });

  it('are the compiled kernels.wat (regenerate with gen-kernels-wasm.ts)', async () => {
    expect(Buffer.from(await compileKernelsWat()).toString('base64')).toBe(KERNELS_WASM_BASE64);
    expect(Buffer.from(await compileKernelsWat('relaxed')).toString('base64')).toBe(KERNELS_RELAXED_WASM_BASE64);
  });

  it.each([
    { name: 'reference conv2', x: [6, 12, 12, 10], filter: [5, 5, 10, 20], strides: 1, pad: 'valid' },
    { name: '3 channels, same padding', x: [3, 9, 9, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
    { name: 'stride 2, 7 channels', x: [2, 11, 10, 7], filter: [3, 4, 7, 5], strides: 2, pad: 'same' },
  ] as const)('Conv2DBackpropInput: the col2im scatter gives the same bits ($name)', ({ x, filter, strides, pad }) => {
    const info = tf.backend_util.computeConv2DInfo(x as never, filter as never, strides, 1, pad);
    const dy = tf.tensor(values(info.outShape.reduce((a, b) => a * b, 1), 3), info.outShape);
    const w = tf.tensor(values(filter.reduce((a, b) => a * b, 1), 4), [...filter]);
    const [simd, js] = bothWays(gemmInputGrad, { dy, filter: w }, { inputShape: x, strides, pad, dataFormat: 'NHWC', dilations: 1 });
    expect(simd.length).toBe(x.reduce((a, b) => a * b, 1));
    expect(Buffer.from(simd.buffer).equals(Buffer.from(js.buffer))).toBe(true);
    tf.dispose([dy, w]);
  });

  it.each([
    { name: 'reference pool1', shape: [5, 24, 24, 10] },
    { name: 'reference pool2', shape: [5, 8, 8, 20] },
    { name: '3 channels (no full vector)', shape: [2, 6, 4, 3] },
  ])('MaxPoolGrad 2x2/2: the same bits, ties and -0 included ($name)', ({ shape }) => {
    // Few distinct values, so windows often hold their maximum twice (the first one gets dy).
    const raw = values(shape.reduce((a, b) => a * b, 1), 5).map((v) => Math.round(v * 3) / 3);
    const input = tf.tensor(raw, shape);
    const output = tf.maxPool(input as tf.Tensor4D, 2, 2, 'valid');
    const dy = tf.tensor(values(output.size, 6), output.shape);
    const [simd, js] = bothWays('MaxPoolGrad', { dy, input, output }, { filterSize: 2, strides: 2, pad: 'valid' });
    expect(Buffer.from(simd.buffer).equals(Buffer.from(js.buffer))).toBe(true);
    // Every window routes its dy to exactly one position.
    const dx = new Float32Array(simd.buffer);
    const nonZero = dx.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0);
    expect(nonZero).toBeLessThanOrEqual(output.size);
    expect(nonZero).toBeGreaterThan(output.size / 2);
    tf.dispose([input, output, dy]);
  });
});
