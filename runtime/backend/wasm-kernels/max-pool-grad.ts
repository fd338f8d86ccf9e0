// MaxPoolGrad for wasm. The stock kernel is a slow C++ loop and routes the
// gradient to the wrong element when every value of a window is negative.
// This one is a single scatter pass in JS over the wasm heap: for each output
// cell, find the first strict maximum of its window (the cpu backend's rule:
// start from -Infinity, `>`; a window of only NaN/-Infinity gets no gradient)
// and add dy there. Works for any 2-D window, stride and padding, overlapping or not.
import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type MaxPoolGradInputs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export function maxPoolGrad(args: {
  inputs: MaxPoolGradInputs;
  backend: BackendWasm;
  attrs: MaxPoolGradAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = inputs.dy as TensorInfo;
  const x = inputs.input as TensorInfo;
  const { filterSize, strides, pad, dimRoundingMode } = attrs;
  const info = backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const dx = backend.makeOutput(x.shape, 'float32');
  // Views are taken after makeOutput: allocation may grow (and move) the heap.
  const out = backend.typedArrayFromHeap(dx) as Float32Array;
  const xs = backend.typedArrayFromHeap(x) as Float32Array;
  const dys = backend.typedArrayFromHeap(dy) as Float32Array;
  out.fill(0);
  const { batchSize, inHeight, inWidth, inChannels: ch, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const rowStride = inWidth * ch;
  let dyIndex = 0;
  for (let b = 0; b < batchSize; b++) {
    const xBatch = b * inHeight * rowStride;
    for (let r = 0; r < outHeight; r++) {
      const r0 = r * strideHeight - padTop;
      const rMin = Math.max(r0, 0);
      const rMax = Math.min(r0 + filterHeight, inHeight);
      for (let c = 0; c < outWidth; c++) {
        const c0 = c * strideWidth - padLeft;
        const cMin = Math.max(c0, 0);
        const cMax = Math.min(c0 + filterWidth, inWidth);
        for (let d = 0; d < ch; d++, dyIndex++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let xr = rMin; xr < rMax; xr++) {
            let i = xBatch + xr * rowStride + cMin * ch + d;
            for (let xc = cMin; xc < cMax; xc++, i += ch) {
              const v = xs[i];
              if (v > best) {
                best = v;
                at = i;
              }
            }
          }
          if (at >= 0) out[at] += dys[dyIndex];
        }
      }
    }
  }
  return dx;
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
