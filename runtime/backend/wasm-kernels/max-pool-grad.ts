// MaxPoolGrad for wasm. The stock kernel is a slow C++ loop and routes the
// gradient to the wrong element when every value of a window is negative.
// The rule is the cpu backend's: dy goes to the first (row-major) strict maximum
// of the window; a window of only NaN/-Infinity gets nothing.
//  - Windows that tile the input (stride = window, no padding, e.g. 2x2/2): one
//    branch-free pass that writes every dx element once. The window's maximum is
//    already known (the forward output y), so each position just tests x === y and
//    whether an earlier position already matched; no data-dependent branches, which
//    on real-valued inputs would mispredict about every other element.
//  - Any other window/stride/padding: a scatter pass with a running argmax.
// Both run in JS directly on the wasm heap (no copies); the 2x2 case in WebAssembly SIMD
// where the engine has it (./simd/kernels.wat, the same bits).
import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type MaxPoolGradInputs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapOffset, simdKernels } from './simd/simd-kernels.js';

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
  if (tiles(info)) return tilingMaxPoolGrad(info, backend, x, dy, inputs.output as TensorInfo);
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
  // Per output cell, scan its window position by position with the channels innermost, so
  // every read is a contiguous run of `ch` floats (NHWC). Positions are visited row-major,
  // which keeps "first strict maximum" identical to the cpu backend's rule.
  const best = new Float32Array(ch);
  const at = new Int32Array(ch);
  let dyIndex = 0;
  for (let b = 0; b < batchSize; b++) {
    const xBatch = b * inHeight * rowStride;
    for (let r = 0; r < outHeight; r++) {
      const r0 = r * strideHeight - padTop;
      const rMin = Math.max(r0, 0);
      const rMax = Math.min(r0 + filterHeight, inHeight);
      for (let c = 0; c < outWidth; c++, dyIndex += ch) {
        const c0 = c * strideWidth - padLeft;
        const cMin = Math.max(c0, 0);
        const cMax = Math.min(c0 + filterWidth, inWidth);
        best.fill(Number.NEGATIVE_INFINITY);
        at.fill(-1);
        for (let xr = rMin; xr < rMax; xr++) {
          for (let xc = cMin; xc < cMax; xc++) {
            const base = xBatch + xr * rowStride + xc * ch;
            for (let d = 0; d < ch; d++) {
              const v = xs[base + d];
              if (v > best[d]) {
                best[d] = v;
                at[d] = base + d;
              }
            }
          }
        }
        for (let d = 0; d < ch; d++) {
          if (at[d] >= 0) out[at[d]] += dys[dyIndex + d];
        }
      }
    }
  }
  return dx;
}

type PoolInfo = ReturnType<typeof backend_util.computePool2DInfo>;

function tiles(info: PoolInfo): boolean {
  return (
    info.strideHeight === info.filterHeight &&
    info.strideWidth === info.filterWidth &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0 &&
    info.outHeight * info.filterHeight === info.inHeight &&
    info.outWidth * info.filterWidth === info.inWidth
  );
}

function tilingMaxPoolGrad(info: PoolInfo, backend: BackendWasm, x: TensorInfo, dy: TensorInfo, y: TensorInfo): TensorInfo {
  const dx = backend.makeOutput(x.shape, 'float32');
  const out = backend.typedArrayFromHeap(dx) as Float32Array;
  const xs = backend.typedArrayFromHeap(x) as Float32Array;
  const ys = backend.typedArrayFromHeap(y) as Float32Array;
  const dys = backend.typedArrayFromHeap(dy) as Float32Array;
  const { batchSize, inHeight, inWidth, inChannels: ch, outHeight, outWidth, filterHeight: fh, filterWidth: fw } = info;
  const rowStride = inWidth * ch;
  if (fh === 2 && fw === 2) {
    const simd = simdKernels(backend);
    if (simd) {
      const at = (t: TensorInfo) => heapOffset(backend, t);
      simd.maxPoolGrad2x2(at(x), at(y), at(dy), at(dx), batchSize * outHeight, outWidth, ch, rowStride);
    } else {
      tiling2x2(xs, ys, dys, out, batchSize * outHeight, outWidth, ch, rowStride);
    }
    return dx;
  }
  const taken = new Int32Array(ch);
  let yIndex = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let r = 0; r < outHeight; r++) {
      const rowBase = (b * inHeight + r * fh) * rowStride;
      for (let c = 0; c < outWidth; c++, yIndex += ch) {
        taken.fill(0);
        for (let wr = 0; wr < fh; wr++) {
          const base = rowBase + wr * rowStride + c * fw * ch;
          for (let i = base, end = base + fw * ch, d = 0; i < end; i++) {
            const hit = (xs[i] === ys[yIndex + d] ? 1 : 0) & (taken[d] ^ 1);
            taken[d] |= hit;
            out[i] = hit * dys[yIndex + d] + 0; // + 0 turns the -0 of 0 * negative dy into +0
            if (++d === ch) d = 0;
          }
        }
      }
    }
  }
  return dx;
}

/** The 2x2/2 case unrolled (twice as fast as the general loop): positions a b / c d. */
export function tiling2x2(xs: Float32Array, ys: Float32Array, dys: Float32Array, out: Float32Array,
  outRows: number, outWidth: number, ch: number, rowStride: number): void {
  let k = 0;
  for (let row = 0; row < outRows; row++) {
    const rowBase = row * 2 * rowStride;
    for (let c = 0; c < outWidth; c++) {
      const cellBase = rowBase + c * 2 * ch;
      for (let d = 0; d < ch; d++, k++) {
        const m = ys[k];
        const g = dys[k];
        const a = cellBase + d;
        const b = a + ch;
        const cc = a + rowStride;
        const dd = cc + ch;
        const ea = xs[a] === m ? 1 : 0;
        const eb = (xs[b] === m ? 1 : 0) & (ea ^ 1);
        const seen = ea | eb;
        const ec = (xs[cc] === m ? 1 : 0) & (seen ^ 1);
        const ed = (xs[dd] === m ? 1 : 0) & ((seen | ec) ^ 1);
        // + 0 turns the -0 of 0 * negative dy into +0, as the cpu backend writes.
        out[a] = ea * g + 0;
        out[b] = eb * g + 0;
        out[cc] = ec * g + 0;
        out[dd] = ed * g + 0;
      }
    }
  }
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
