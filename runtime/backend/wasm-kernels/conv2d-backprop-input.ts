// Conv2DBackpropInput for wasm: the stock kernel is a plain C++ loop (the largest
// cost of a training step in the study). Two replacements, both NHWC:
//  - "full conv" (stride 1): the input gradient is a full convolution of dy with the
//    spatially reversed filter, in/out channels swapped, which XNNPACK does fast:
//      dx = conv2d(dy, reverse(W, [0,1])^T [fh, fw, co, ci], pad = (fh-1-top, ...)).
//  - "gemm" (any stride/padding): one XNNPACK GEMM and a col2im scatter (./col2im.ts).
//  - "direct" (stride 1, >= 4 input channels, WebAssembly SIMD): ./direct-conv.ts.
// `strategy` picks for stride 1 (default 'direct' where it applies, else GEMM: GEMM was about
// 20% faster than the full conv for the reference net's conv2 in interleaved A/B runs, 3.3-3.5
// vs 4.2-4.3 ms at batch 64, and direct is 0.73-0.80x the GEMM's CPU time); other strides always
// take the GEMM path. NCHW falls back to the original kernel.
import {
  backend_util,
  type Conv2DBackpropInputAttrs,
  type Conv2DBackpropInputInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { conv2dExplicit, free, reverse, transpose } from './wasm-calls.js';
import { convInputGradByGemm } from './col2im.js';
import { convInputGradDirect, directConvApplies } from './direct-conv.js';
import { simdKernels } from './simd/simd-kernels.js';

export type InputGradStrategy = 'direct' | 'full-conv' | 'gemm';

type Args = {
  inputs: Conv2DBackpropInputInputs;
  backend: BackendWasm;
  attrs: Conv2DBackpropInputAttrs;
};

export function makeConv2dBackpropInputConfig(original: KernelConfig | undefined,
  strategy: InputGradStrategy = 'direct'): KernelConfig {
  const fallback = original?.kernelFunc as ((args: Args) => TensorInfo) | undefined;
  function conv2dBackpropInput(args: Args): TensorInfo {
    const { inputs, backend, attrs } = args;
    const dy = inputs.dy as TensorInfo;
    const filter = inputs.filter as TensorInfo;
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
    const info = backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      backend_util.convertConv2DDataFormat(dataFormat),
    );
    const { filterHeight: fh, filterWidth: fw } = info;
    const top = fh - 1 - info.padInfo.top;
    const left = fw - 1 - info.padInfo.left;
    const bottom = info.inHeight - info.outHeight + info.padInfo.top;
    const right = info.inWidth - info.outWidth + info.padInfo.left;
    if (info.dataFormat !== 'channelsLast') {
      if (fallback === undefined) throw new Error('wasm Conv2DBackpropInput: no kernel for NCHW');
      return fallback(args);
    }
    // Stride 1 with WebAssembly SIMD and at least 4 input channels (the kernel's vectors run over
    // them): the direct kernel, 0.73-0.80x the GEMM's CPU time for conv2 at batch 64 (bench/direct-conv.ts).
    const simd = simdKernels(backend);
    if (strategy === 'direct' && simd && info.inChannels >= 4 && directConvApplies(info)) {
      return convInputGradDirect(backend, simd, dy, filter, info);
    }
    const fullConv =
      strategy === 'full-conv' &&
      info.strideHeight === 1 &&
      info.strideWidth === 1 &&
      Math.min(top, left, bottom, right) >= 0;
    if (!fullConv) {
      return convInputGradByGemm(backend, dy, filter, {
        batch: info.batchSize,
        inHeight: info.inHeight,
        inWidth: info.inWidth,
        inChannels: info.inChannels,
        outHeight: info.outHeight,
        outWidth: info.outWidth,
        outChannels: info.outChannels,
        filterHeight: fh,
        filterWidth: fw,
        strideHeight: info.strideHeight,
        strideWidth: info.strideWidth,
        padTop: info.padInfo.top,
        padLeft: info.padInfo.left,
      });
    }
    const reversed = reverse(backend, filter, [0, 1]);
    const swapped = transpose(backend, reversed, [0, 1, 3, 2]);
    free(backend, reversed);
    const dx = conv2dExplicit(
      backend,
      dy,
      swapped,
      [
        [top, bottom],
        [left, right],
      ],
      [1, 1],
    );
    free(backend, swapped);
    return dx;
  }
  return {
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    setupFunc: original?.setupFunc,
    kernelFunc: conv2dBackpropInput as unknown as KernelFunc,
  };
}
