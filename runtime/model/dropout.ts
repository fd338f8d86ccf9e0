// Dropout masks drawn from mfx's seeded PRNG (not Math.random, not tf's global seed), so a
// training epoch is reproducible from (seed, step, epoch) alone. Inverted dropout as in PyTorch:
// kept units are scaled by 1/(1-p); `dropout2d` drops whole channels (mask shape [N,1,1,C]).
import * as tf from '@tensorflow/tfjs-core';
import type { LayerSpec } from '../../compiler/plan.js';
import type { Prng } from '../data/prng.js';

export interface DropoutMasks {
  /** A mask tensor broadcastable to the layer's output for a batch of n; the caller's tidy frees it. */
  maskFor(layerIndex: number, layer: Extract<LayerSpec, { kind: 'dropout' | 'dropout2d' }>, n: number): tf.Tensor;
}

/** Masks drawn in call order from one PRNG stream. */
export function seededDropout(prng: Prng): DropoutMasks {
  return {
    maskFor(_layerIndex, layer, n) {
      const shape = layer.outShape;
      const channels = shape[shape.length - 1];
      const maskShape = layer.kind === 'dropout2d' && shape.length === 3 ? [n, 1, 1, channels] : [n, ...shape];
      const size = maskShape.reduce((a, b) => a * b, 1);
      const keep = 1 - layer.rate;
      const scale = keep > 0 ? 1 / keep : 0;
      const values = new Float32Array(size);
      for (let i = 0; i < size; i++) values[i] = prng.float() < layer.rate ? 0 : scale;
      return tf.tensor(values, maskShape, 'float32');
    },
  };
}
