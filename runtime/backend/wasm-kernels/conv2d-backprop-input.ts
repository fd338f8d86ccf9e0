// Conv2DBackpropInput for wasm, stride 1: the stock kernel is a plain C++ loop
// (the largest cost of a training step in the study). For stride 1 the input
// gradient is a "full" convolution of dy with the spatially reversed filter,
// with in/out channels swapped, which XNNPACK does fast:
//   dx = conv2d(dy, reverse(W, [0,1])^T [fh, fw, co, ci], pad = (fh-1-top, ...)).
// Other strides fall back to the original kernel.
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

type Args = {
  inputs: Conv2DBackpropInputInputs;
  backend: BackendWasm;
  attrs: Conv2DBackpropInputAttrs;
};

export function makeConv2dBackpropInputConfig(original: KernelConfig | undefined): KernelConfig {
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
    const fast =
      info.strideHeight === 1 &&
      info.strideWidth === 1 &&
      info.dataFormat === 'channelsLast' &&
      Math.min(top, left, bottom, right) >= 0;
    if (!fast) {
      if (fallback === undefined) throw new Error('wasm Conv2DBackpropInput: no kernel for this case');
      return fallback(args);
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
