// Kernels that make tfjs 4.22's wasm backend able to train conv nets, and fast.
// See docs/notes/wasm-perf-study.md for the measurements behind them, and bench/kernels.ts,
// bench/direct-conv.ts, bench/step-profile.ts.
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { makeConv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { makeBatchMatMulConfig } from './batch-mat-mul.js';
import { makeCastConfig, makeIdentityConfig } from './alias.js';
import { makeConv2dConfig } from './conv2d.js';

const ours = new WeakSet<KernelConfig>();

function install(config: KernelConfig): void {
  const current = getKernel(config.kernelName, 'wasm');
  if (current !== undefined && ours.has(current)) return;
  if (current !== undefined) unregisterKernel(config.kernelName, 'wasm');
  ours.add(config);
  registerKernel(config);
}

/**
 * Registers, for backend 'wasm' (in this thread's tfjs registry; each worker thread must
 * call it too): Conv2DBackpropFilter (missing in tfjs 4.22), a faster NHWC
 * Conv2DBackpropInput (XNNPACK GEMM + col2im, any stride; NCHW keeps the original kernel),
 * a faster MaxPoolGrad with the cpu backend's routing rule, and a BatchMatMul that avoids
 * the stock kernel's slow transposed path (used by every dense layer's backward pass), and
 * Identity / same-dtype Cast that share the buffer instead of copying it, and a Conv2D that runs
 * stride-1 NHWC convolutions by a direct WebAssembly SIMD kernel (./direct-conv.ts).
 * Idempotent; call before or after the wasm backend is initialised.
 */
export function registerWasmTrainingKernels(): void {
  install(conv2dBackpropFilterConfig);
  const input = getKernel('Conv2DBackpropInput', 'wasm');
  if (input === undefined || !ours.has(input)) install(makeConv2dBackpropInputConfig(input));
  install(maxPoolGradConfig);
  const matMul = getKernel('BatchMatMul', 'wasm');
  if (matMul !== undefined && !ours.has(matMul)) install(makeBatchMatMulConfig(matMul));
  const identity = getKernel('Identity', 'wasm');
  if (identity !== undefined && !ours.has(identity)) install(makeIdentityConfig(identity));
  const conv = getKernel('Conv2D', 'wasm');
  if (conv !== undefined && !ours.has(conv)) install(makeConv2dConfig(conv));
  const cast = getKernel('Cast', 'wasm');
  if (cast !== undefined && !ours.has(cast)) install(makeCastConfig(cast));
}
