// Conv2DBackpropFilter for a one-channel input, stride 1 across, no padding and dilation 1 (the
// reference net's conv1, on the images): one XNNPACK GEMM
//   dW[(kh, kw), co] = sum_p colsᵀ[(kh, kw), p] * dy[p, co],   p = (b, oh, ow),
// with colsᵀ gathered by WebAssembly SIMD in runs of one output row (contiguous in the image), and
// dy used as it is. The convolution formulation (./conv2d-backprop-filter.ts) has only 25 output
// rows and packs dy as a 24x24x64x10 filter. At batch 64: 1.15 ms against 2.7 ms with the same
// dy every call (XNNPACK keeps its packed copy), and in a training step, where dy is new and
// both forms pack it, 3.2 against 4.0 ms (bench/step-profile.ts, interleaved runs on a loaded
// machine). For more input channels the gather is strided and the GEMM orientations that avoid
// it pack a large operand on every call: no faster than the convolution, which they keep.
import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { free, matMul, reshape } from './wasm-calls.js';
import { heapOffset, type SimdKernels } from './simd/simd-kernels.js';

type ConvInfo = backend_util.Conv2DInfo;

/** True when filterGradByGemm applies. */
export function gemmFilterGradApplies(info: ConvInfo): boolean {
  const { inHeight, inWidth, inChannels, outHeight: oh, outWidth: ow, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const unpadded = info.padInfo.top === 0 && info.padInfo.left === 0 && (oh - 1) * sh + fh <= inHeight && (ow - 1) * sw + fw <= inWidth;
  return inChannels === 1 && sw === 1 && info.dilationHeight === 1 && info.dilationWidth === 1 && unpadded;
}

export function filterGradByGemm(backend: BackendWasm, simd: SimdKernels, x: TensorInfo, dy: TensorInfo, info: ConvInfo): TensorInfo {
  const { batchSize: b, inHeight, inWidth, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh } = info;
  const positions = b * oh * ow;
  const colsT = backend.makeOutput([1, fh * fw, positions], 'float32');
  const colsPtr = heapOffset(backend, colsT);
  const xPtr = heapOffset(backend, x);
  for (let kh = 0; kh < fh; kh++) {
    for (let kw = 0; kw < fw; kw++) {
      const row = (kh * fw + kw) * positions;
      for (let n = 0; n < b; n++) {
        // Output rows of image n: runs of ow pixels, input rows sh apart.
        simd.copyRuns(colsPtr + (row + n * oh * ow) * 4, xPtr + ((n * inHeight + kh) * inWidth + kw) * 4, ow, oh, ow * 4, sh * inWidth * 4);
      }
    }
  }
  const dy3 = reshape(backend, dy, [1, positions, co]);
  const product = matMul(backend, colsT, dy3);
  const dW = reshape(backend, product, [fh, fw, 1, co]);
  free(backend, colsT, dy3, product);
  return dW;
}
