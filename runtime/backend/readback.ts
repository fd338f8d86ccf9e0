// WebGPU in Node cannot read a tensor synchronously (tfjs-backend-webgpu's readSync needs a
// browser's OffscreenCanvas). Reading it once asynchronously leaves a CPU copy that `dataSync()`
// then returns, until the tensor is next uploaded to the GPU. The runtime reads with `dataSync()`
// (the optimiser, losses, weights files); it calls `settle` first where a webgpu tensor may have
// no CPU copy. On the other backends reads are synchronous and `settle` does nothing.
import * as tf from '@tensorflow/tfjs-core';

export function readsAreAsyncOnly(): boolean {
  return tf.getBackend() === 'webgpu';
}

/** Makes `dataSync()` work on each tensor (on webgpu: one asynchronous read of each). */
export async function settle(tensors: Iterable<tf.Tensor>): Promise<void> {
  if (!readsAreAsyncOnly()) return;
  await Promise.all([...tensors].map((t) => t.data()));
}
