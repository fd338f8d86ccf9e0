// Conv2D for wasm: stride 1, dilation 1, NHWC, with WebAssembly SIMD, by the direct kernel
// (./direct-conv.ts), which beats XNNPACK's at the reference net's shapes (bench/direct-conv.ts:
// 0.69-0.74x and 0.81-0.84x the CPU time for conv1 and conv2 at batch 64). Everything else, and fused
// convolutions, keep the stock kernel.
import { backend_util, type Conv2DAttrs, type Conv2DInputs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { conv2dDirect, directConvApplies } from './direct-conv.js';
import { simdKernels } from './simd/simd-kernels.js';
import { keepStockKernel } from './wasm-calls.js';

type Args = { inputs: Conv2DInputs; backend: BackendWasm; attrs: Conv2DAttrs };

export function makeConv2dConfig(original: KernelConfig): KernelConfig {
  const stock = original.kernelFunc as unknown as (args: Args) => TensorInfo;
  keepStockKernel('Conv2D', original.kernelFunc);
  function conv2d(args: Args): TensorInfo {
    const { inputs, backend, attrs } = args;
    const x = inputs.x as TensorInfo;
    const filter = inputs.filter as TensorInfo;
    const simd = simdKernels(backend);
    if (simd === null || x.dtype !== 'float32' || filter.dtype !== 'float32') return stock(args);
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides,
      attrs.dilations,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      backend_util.convertConv2DDataFormat(attrs.dataFormat),
    );
    return directConvApplies(info) ? conv2dDirect(backend, simd, x, filter, info) : stock(args);
  }
  return { kernelName: 'Conv2D', backendName: 'wasm', setupFunc: original.setupFunc, kernelFunc: conv2d as unknown as KernelFunc };
}
