// Direct stride-1 convolutions in WebAssembly SIMD (simd/kernels.wat: convGather, convFilterGrad)
// for the small channel counts of the reference net (1→10 and 10→20, 5x5), where XNNPACK's
// im2col+GEMM forms pay for packing, transposes and scatters around little arithmetic:
//  - forward:         out = convGather(x, W packed [fh, fw, ci, co4])
//  - input gradient:  dx  = convGather(dy, W reversed in space, channels swapped, padding fh-1-top)
//  - filter gradient: dW  = convFilterGrad(x, dy), valid padding only.
// Every output float is one running sum in a fixed order (kernels.wat), so results do not depend
// on the batch blocking; they differ from XNNPACK's in the last bits (another order of sums).
import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { free } from './wasm-calls.js';
import { heapBytes, heapOffset, type SimdKernels } from './simd/simd-kernels.js';

type ConvInfo = backend_util.Conv2DInfo;

const lanes4 = (n: number): number => (n + 3) & ~3;

/** Stride 1, dilation 1, NHWC: the geometry convGather serves. */
export function directConvApplies(info: ConvInfo): boolean {
  return info.dataFormat === 'channelsLast' && info.strideHeight === 1 && info.strideWidth === 1 &&
    info.dilationHeight === 1 && info.dilationWidth === 1;
}

/** The filter gradient additionally needs no padding (every tap of every output inside the input). */
export function directFilterGradApplies(info: ConvInfo): boolean {
  return directConvApplies(info) && info.padInfo.top === 0 && info.padInfo.left === 0 &&
    info.outHeight + info.filterHeight - 1 <= info.inHeight && info.outWidth + info.filterWidth - 1 <= info.inWidth;
}

/**
 * Packs a [fh, fw, rows, cols] filter into a heap buffer [fh, fw, rows, cols rounded up to 4]
 * (zero lanes past cols); with `flip`, the source is W[fh-1-kh, fw-1-kw, col, row] (the input
 * gradient's filter: reversed in space, channel axes swapped).
 */
function packFilter(backend: BackendWasm, filter: TensorInfo, flip: boolean): TensorInfo {
  const [fh, fw, ci, co] = filter.shape;
  const rows = flip ? co : ci;
  const cols = flip ? ci : co;
  const stride = lanes4(cols);
  const packed = backend.makeOutput([fh, fw, rows, stride], 'float32');
  const dst = backend.typedArrayFromHeap(packed) as Float32Array;
  const src = backend.typedArrayFromHeap(filter) as Float32Array;
  dst.fill(0);
  for (let kh = 0; kh < fh; kh++) {
    for (let kw = 0; kw < fw; kw++) {
      for (let r = 0; r < rows; r++) {
        const d = ((kh * fw + kw) * rows + r) * stride;
        if (!flip) {
          dst.set(src.subarray(d / stride * co, d / stride * co + co), d);
          continue;
        }
        const s = ((fh - 1 - kh) * fw + (fw - 1 - kw)) * ci * co + r; // W[.., .., c, r]
        for (let c = 0; c < cols; c++) dst[d + c] = src[s + c * co];
      }
    }
  }
  return packed;
}

/** Conv2D forward by convGather (caller checked directConvApplies). */
export function conv2dDirect(backend: BackendWasm, simd: SimdKernels, x: TensorInfo, filter: TensorInfo, info: ConvInfo): TensorInfo {
  const packed = packFilter(backend, filter, false);
  const out = backend.makeOutput(info.outShape, 'float32');
  simd.convGather(heapOffset(backend, x), heapOffset(backend, packed), heapOffset(backend, out), info.batchSize,
    info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels,
    info.filterHeight, info.filterWidth, info.padInfo.top, info.padInfo.left);
  free(backend, packed);
  return out;
}

/** Conv2DBackpropInput by convGather over dy with the flipped filter (caller checked directConvApplies). */
export function convInputGradDirect(backend: BackendWasm, simd: SimdKernels, dy: TensorInfo, filter: TensorInfo, info: ConvInfo): TensorInfo {
  const packed = packFilter(backend, filter, true);
  const dx = backend.makeOutput(info.inShape, 'float32');
  const { filterHeight: fh, filterWidth: fw } = info;
  simd.convGather(heapOffset(backend, dy), heapOffset(backend, packed), heapOffset(backend, dx), info.batchSize,
    info.outHeight, info.outWidth, info.outChannels, info.inHeight, info.inWidth, info.inChannels,
    fh, fw, fh - 1 - info.padInfo.top, fw - 1 - info.padInfo.left);
  free(backend, packed);
  return dx;
}

/**
 * convFilterGrad reads up to 16 bytes past x and dy. Where that would leave the heap, a copy of
 * the tensor with 16 bytes to spare takes its place: the same kernel, so the same bits, wherever
 * the allocator put the tensor (heap layouts differ between threads).
 */
function withSlack(backend: BackendWasm, t: TensorInfo, temps: TensorInfo[]): number {
  const n = t.shape.reduce((a, b) => a * b, 1);
  const ptr = heapOffset(backend, t);
  if (ptr + n * 4 + 16 <= heapBytes(backend)) return ptr;
  const copy = backend.makeOutput([n + 4], 'float32');
  temps.push(copy);
  const dst = backend.typedArrayFromHeap(copy) as Float32Array;
  dst.set(backend.typedArrayFromHeap(t) as Float32Array);
  dst.fill(0, n);
  return heapOffset(backend, copy);
}

/** Conv2DBackpropFilter by convFilterGrad (caller checked directFilterGradApplies). */
export function filterGradDirect(backend: BackendWasm, simd: SimdKernels, x: TensorInfo, dy: TensorInfo, info: ConvInfo): TensorInfo {
  const { filterHeight: fh, filterWidth: fw, inChannels: ci, outChannels: co } = info;
  const taps = fw * ci;
  const rowFloats = lanes4(co);
  const acc = backend.makeOutput([fh, lanes4(taps), rowFloats], 'float32');
  const temps: TensorInfo[] = [];
  const xPtr = withSlack(backend, x, temps);
  const dyPtr = withSlack(backend, dy, temps);
  (backend.typedArrayFromHeap(acc) as Float32Array).fill(0);
  simd.convFilterGrad(xPtr, dyPtr, heapOffset(backend, acc), info.batchSize, info.inHeight, info.inWidth, ci,
    info.outHeight, info.outWidth, co, fh, fw);
  const dW = backend.makeOutput([fh, fw, ci, co], 'float32');
  const src = backend.typedArrayFromHeap(acc) as Float32Array;
  const dst = backend.typedArrayFromHeap(dW) as Float32Array;
  for (let kh = 0; kh < fh; kh++) {
    for (let t = 0; t < taps; t++) {
      const s = (kh * lanes4(taps) + t) * rowFloats;
      dst.set(src.subarray(s, s + co), (kh * taps + t) * co);
    }
  }
  free(backend, acc, ...temps);
  return dW;
}
