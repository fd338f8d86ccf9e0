// Conv2DBackpropFilter for wasm, which tfjs 4.22 lacks (training a conv net on
// wasm fails without it). The filter gradient is itself a convolution:
//   dW[i, j, ci, co] = sum_{b, r, c} x[b, r*s + i - padTop, c*s + j - padLeft, ci] * dy[b, r, c, co]
// so with the batch as the channel axis it is XNNPACK's conv2d of
//   X' = x^T [ci, H, W, b]  with the "filter"  F' = dy^T [oh, ow, b, co],
// where the forward stride s becomes the dilation of F'. The result [ci, fh, fw, co]
// is transposed back to [fh, fw, ci, co].
import {
  backend_util,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropFilterInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { conv2dExplicit, free, slice, transpose } from './wasm-calls.js';
import { filterGradByGemm, gemmFilterGradApplies } from './filter-grad-gemm.js';
import { directFilterGradApplies, filterGradDirect } from './direct-conv.js';
import { simdKernels, type SimdKernels } from './simd/simd-kernels.js';

export function conv2dBackpropFilter(args: {
  inputs: Conv2DBackpropFilterInputs;
  backend: BackendWasm;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const dy = inputs.dy as TensorInfo;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  if (backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast') {
    throw new Error(`wasm Conv2DBackpropFilter supports only NHWC, got ${dataFormat}`);
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const simd = simdKernels(backend);
  // Stride 1 without padding, with WebAssembly SIMD: the direct kernel (./direct-conv.ts).
  if (simd && directFilterGradApplies(info)) return filterGradDirect(backend, simd, x, dy, info);
  return conv2dBackpropFilterXnn(backend, simd, x, dy, info);
}

/** The XNNPACK forms: a GEMM for one input channel (with SIMD), else the convolution above. */
export function conv2dBackpropFilterXnn(backend: BackendWasm, simd: SimdKernels | null, x: TensorInfo, dy: TensorInfo,
  info: backend_util.Conv2DInfo): TensorInfo {
  // One input channel (a first layer on images), with WebAssembly SIMD: a faster GEMM form.
  if (simd && gemmFilterGradApplies(info)) return filterGradByGemm(backend, simd, x, dy, info);

  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const [oh, ow] = [dy.shape[1], dy.shape[2]];
  const [inH, inW] = [x.shape[1], x.shape[2]];
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  // Padding below/right so that the dilated dy covers exactly fh x fw output positions.
  // It is negative when the forward conv never reached the last input rows; then we pad
  // nothing and crop the surplus output rows instead.
  const bottom = fh + sh * (oh - 1) - top - inH;
  const right = fw + sw * (ow - 1) - left - inW;

  const xT = transpose(backend, x, [3, 1, 2, 0]);
  const dyT = transpose(backend, dy, [1, 2, 0, 3]);
  let grad = conv2dExplicit(
    backend,
    xT,
    dyT,
    [
      [top, Math.max(bottom, 0)],
      [left, Math.max(right, 0)],
    ],
    [sh, sw],
  );
  free(backend, xT, dyT);
  if (grad.shape[1] !== fh || grad.shape[2] !== fw) {
    const cropped = slice(backend, grad, [0, 0, 0, 0], [grad.shape[0], fh, fw, grad.shape[3]]);
    free(backend, grad);
    grad = cropped;
  }
  const dW = transpose(backend, grad, [1, 2, 0, 3]);
  free(backend, grad);
  return dW;
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
