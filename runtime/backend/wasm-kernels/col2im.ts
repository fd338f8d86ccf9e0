// Input gradient of a convolution as one GEMM plus a col2im scatter, for any stride and
// padding (NHWC, dilation 1):
//   cols[p, (kh, kw, ci)] = sum_co dy[p, co] * W[kh, kw, ci, co]      (XNNPACK, untransposed)
//   dx[b, oh*sh - top + kh, ow*sw - left + kw, ci] += cols[p, (kh, kw, ci)]   (JS, on the heap)
// with p = (b, oh, ow). The GEMM does exactly the forward MAC count, where a dense "full"
// convolution also multiplies the zero padding.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { free, matMul, reshape, transpose } from './wasm-calls.js';
import { heapOffset, simdKernels, type SimdKernels } from './simd/simd-kernels.js';

export interface Col2imGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

export function convInputGradByGemm(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, g: Col2imGeometry): TensorInfo {
  const rows = g.batch * g.outHeight * g.outWidth;
  const k = g.filterHeight * g.filterWidth * g.inChannels;
  const dy3 = reshape(backend, dy, [1, rows, g.outChannels]);
  const wT = transpose(backend, filter, [3, 0, 1, 2]); // [co, fh, fw, ci]
  const wT3 = reshape(backend, wT, [1, g.outChannels, k]);
  const cols = matMul(backend, dy3, wT3);
  free(backend, dy3, wT, wT3);

  const dx = backend.makeOutput([g.batch, g.inHeight, g.inWidth, g.inChannels], 'float32');
  (backend.typedArrayFromHeap(dx) as Float32Array).fill(0);
  const simd = simdKernels(backend);
  if (simd) scatterSimd(simd, heapOffset(backend, dx), heapOffset(backend, cols), g);
  else scatterJs(backend.typedArrayFromHeap(dx) as Float32Array, backend.typedArrayFromHeap(cols) as Float32Array, g);
  free(backend, cols);
  return dx;
}

/**
 * The runs of one output pixel: filter rows kh in [khStart, khEnd) that land inside the input,
 * each a contiguous run of (kw, ci) in both cols and dx. Visits pixels and rows in the same
 * order for both scatters below, so every dx element sums its terms in the same order.
 */
function forEachRun(g: Col2imGeometry, visit: (src: number, dst: number, len: number, count: number) => void): void {
  const ci = g.inChannels;
  const rowStride = g.inWidth * ci;
  const kRow = g.filterWidth * ci;
  const k = g.filterHeight * kRow;
  let p = 0;
  for (let b = 0; b < g.batch; b++) {
    const dxBatch = b * g.inHeight * rowStride;
    for (let oh = 0; oh < g.outHeight; oh++) {
      const ih0 = oh * g.strideHeight - g.padTop;
      const khStart = Math.max(0, -ih0);
      const khEnd = Math.min(g.filterHeight, g.inHeight - ih0);
      for (let ow = 0; ow < g.outWidth; ow++, p++) {
        const iw0 = ow * g.strideWidth - g.padLeft;
        const kwStart = Math.max(0, -iw0);
        const kwEnd = Math.min(g.filterWidth, g.inWidth - iw0);
        if (kwEnd <= kwStart || khEnd <= khStart) continue;
        const src = p * k + khStart * kRow + kwStart * ci;
        const dst = dxBatch + (ih0 + khStart) * rowStride + (iw0 + kwStart) * ci;
        visit(src, dst, (kwEnd - kwStart) * ci, khEnd - khStart);
      }
    }
  }
}

/** dx += col2im(cols) in JavaScript (engines without WebAssembly SIMD). */
export function scatterJs(out: Float32Array, src: Float32Array, g: Col2imGeometry): void {
  const rowStride = g.inWidth * g.inChannels;
  const kRow = g.filterWidth * g.inChannels;
  forEachRun(g, (s0, d0, len, count) => {
    for (let r = 0, s = s0, d = d0; r < count; r++, s += kRow, d += rowStride) {
      for (let i = 0; i < len; i++) out[d + i] += src[s + i];
    }
  });
}

/** The same scatter with WebAssembly SIMD on the heap (byte offsets of dx and cols). */
export function scatterSimd(simd: SimdKernels, outPtr: number, srcPtr: number, g: Col2imGeometry): void {
  const rowBytes = g.inWidth * g.inChannels * 4;
  const kRowBytes = g.filterWidth * g.inChannels * 4;
  forEachRun(g, (s, d, len, count) => simd.addRuns(outPtr + d * 4, srcPtr + s * 4, len, count, rowBytes, kRowBytes));
}
