// Images as the runtime sees them: NHWC float32, already normalised, plus class labels.
import * as tf from '@tensorflow/tfjs-core';

export interface Images {
  images: Float32Array; // n * height * width * channels
  labels: Uint8Array;
  n: number;
  height: number;
  width: number;
  channels: number;
}

/** Copies the images at `indices` into one NHWC tensor and their labels into an int32 tensor. */
export function gatherBatch(data: Images, indices: ArrayLike<number>): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const size = data.height * data.width * data.channels;
  const n = indices.length;
  const xs = new Float32Array(n * size);
  const ys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = indices[i];
    xs.set(data.images.subarray(k * size, (k + 1) * size), i * size);
    ys[i] = data.labels[k];
  }
  return {
    x: tf.tensor4d(xs, [n, data.height, data.width, data.channels], 'float32'),
    y: tf.tensor1d(ys, 'int32'),
  };
}

/** A contiguous slice [start, end) as tensors, without copying the pixels twice. */
export function sliceBatch(data: Images, start: number, end: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const size = data.height * data.width * data.channels;
  return {
    x: tf.tensor4d(data.images.subarray(start * size, end * size), [end - start, data.height, data.width, data.channels], 'float32'),
    y: tf.tensor1d(Int32Array.from(data.labels.subarray(start, end)), 'int32'),
  };
}
