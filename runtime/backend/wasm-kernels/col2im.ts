// Input gradient of a convolution as one GEMM plus a col2im scatter, for any stride and
// padding (NHWC, dilation 1):
//   cols[p, (kh, kw, ci)] = sum_co dy[p, co] * W[kh, kw, ci, co]      (XNNPACK, untransposed)
//   dx[b, oh*sh - top + kh, ow*sw - left + kw, ci] += cols[p, (kh, kw, ci)]   (JS, on the heap)
// with p = (b, oh, ow). The GEMM does exactly the forward MAC count, where a dense "full"
// convolution also multiplies the zero padding.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { callWasmKernel, free, transpose } from './wasm-calls.js';

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

function reshape(backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo {
  return callWasmKernel('Reshape', backend, { x }, { shape });
}

export function convInputGradByGemm(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, g: Col2imGeometry): TensorInfo {
  const rows = g.batch * g.outHeight * g.outWidth;
  const k = g.filterHeight * g.filterWidth * g.inChannels;
  const dy3 = reshape(backend, dy, [1, rows, g.outChannels]);
  const wT = transpose(backend, filter, [3, 0, 1, 2]); // [co, fh, fw, ci]
  const wT3 = reshape(backend, wT, [1, g.outChannels, k]);
  const cols = callWasmKernel('BatchMatMul', backend, { a: dy3, b: wT3 }, { transposeA: false, transposeB: false });
  free(backend, dy3, wT, wT3);

  const dx = backend.makeOutput([g.batch, g.inHeight, g.inWidth, g.inChannels], 'float32');
  const out = backend.typedArrayFromHeap(dx) as Float32Array;
  const src = backend.typedArrayFromHeap(cols) as Float32Array;
  out.fill(0);
  const ci = g.inChannels;
  const rowStride = g.inWidth * ci;
  const kRow = g.filterWidth * ci;
  let p = 0;
  for (let b = 0; b < g.batch; b++) {
    const dxBatch = b * g.inHeight * rowStride;
    for (let oh = 0; oh < g.outHeight; oh++) {
      const ih0 = oh * g.strideHeight - g.padTop;
      for (let ow = 0; ow < g.outWidth; ow++, p++) {
        const iw0 = ow * g.strideWidth - g.padLeft;
        // The filter columns that land inside the input: a contiguous run of (kw, ci).
        const kwStart = Math.max(0, -iw0);
        const kwEnd = Math.min(g.filterWidth, g.inWidth - iw0);
        if (kwEnd <= kwStart) continue;
        const runStart = kwStart * ci;
        const runLength = (kwEnd - kwStart) * ci;
        for (let kh = 0; kh < g.filterHeight; kh++) {
          const ih = ih0 + kh;
          if (ih < 0 || ih >= g.inHeight) continue;
          const s = p * k + kh * kRow + runStart;
          const d = dxBatch + ih * rowStride + (iw0 + kwStart) * ci;
          for (let i = 0; i < runLength; i++) out[d + i] += src[s + i];
        }
      }
    }
  }
  free(backend, cols);
  return dx;
}
