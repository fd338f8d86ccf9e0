// BatchMatMul for wasm with transposed operands. The stock kernel takes a ~10x slower
// path when transposeA or transposeB is set (0.73 ms vs 0.07 ms for 64x320·320x50), and
// every dense layer's backward pass sets one of them (dW = xᵀ·dy, dx = dy·Wᵀ). An explicit
// Transpose of the last two axes (a few µs at these sizes) followed by the fast
// untransposed call is much cheaper. Untransposed calls go straight to the original kernel.
import type { BatchMatMulAttrs, BatchMatMulInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { free, transpose } from './wasm-calls.js';

type Args = { inputs: BatchMatMulInputs; backend: BackendWasm; attrs: BatchMatMulAttrs };

function swapLastTwo(rank: number): number[] {
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

export function makeBatchMatMulConfig(original: KernelConfig): KernelConfig {
  const stock = original.kernelFunc as unknown as (args: Args) => TensorInfo;
  function batchMatMul(args: Args): TensorInfo {
    const { inputs, backend, attrs } = args;
    if (!attrs.transposeA && !attrs.transposeB) return stock(args);
    let a = inputs.a as TensorInfo;
    let b = inputs.b as TensorInfo;
    const temporaries: TensorInfo[] = [];
    if (attrs.transposeA) {
      a = transpose(backend, a, swapLastTwo(a.shape.length));
      temporaries.push(a);
    }
    if (attrs.transposeB) {
      b = transpose(backend, b, swapLastTwo(b.shape.length));
      temporaries.push(b);
    }
    const out = stock({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } });
    free(backend, ...temporaries);
    return out;
  }
  return {
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    kernelFunc: batchMatMul as unknown as KernelFunc,
  };
}
