// Dropout masks drawn from mfx's seeded PRNG (not Math.random, not tf's global seed), so a
// training epoch is reproducible from (seed, step, epoch) alone. Inverted dropout as in PyTorch:
// kept units are scaled by 1/(1-p); `dropout2d` drops whole channels (mask shape [N,1,1,C]).
// A batch's masks are drawn whole, layer by layer in forward order (drawBatchMasks), and each
// shard of the batch takes its own rows (shardDropout): how a batch is cut into shards never
// changes which units drop.
import * as tf from '@tensorflow/tfjs-core';
import type { LayerSpec, ModelSpec } from '../../compiler/plan.js';
import type { Prng } from '../data/prng.js';

type DropoutLayer = Extract<LayerSpec, { kind: 'dropout' | 'dropout2d' }>;

export interface DropoutMasks {
  /** A mask tensor broadcastable to the layer's output for a batch of n; the caller's tidy frees it. */
  maskFor(layerIndex: number, layer: DropoutLayer, n: number): tf.Tensor;
}

/** The mask shape for `n` images: [n,1,1,C] for dropout2d on feature maps, else [n, ...outShape]. */
function maskShape(layer: DropoutLayer, n: number): number[] {
  const shape = layer.outShape;
  return layer.kind === 'dropout2d' && shape.length === 3 ? [n, 1, 1, shape[shape.length - 1]] : [n, ...shape];
}

/** Draws one mask's values for `n` images from `prng`. */
function drawMask(prng: Prng, layer: DropoutLayer, n: number): Float32Array {
  const size = maskShape(layer, n).reduce((a, b) => a * b, 1);
  const keep = 1 - layer.rate;
  const scale = keep > 0 ? 1 / keep : 0;
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = prng.float() < layer.rate ? 0 : scale;
  return values;
}

/** Masks drawn in call order from one PRNG stream. */
export function seededDropout(prng: Prng): DropoutMasks {
  return {
    maskFor: (_layerIndex, layer, n) => tf.tensor(drawMask(prng, layer, n), maskShape(layer, n), 'float32'),
  };
}

/** The layers that draw a mask in training (rate above 0), in forward order. */
export function maskedLayers(spec: ModelSpec): number[] {
  return spec.layers.flatMap((l, i) => ((l.kind === 'dropout' || l.kind === 'dropout2d') && l.rate > 0 ? [i] : []));
}

/** Values per image of layer `i`'s mask. */
export function maskValuesPerImage(spec: ModelSpec, i: number): number {
  return maskShape(spec.layers[i] as DropoutLayer, 1).reduce((a, b) => a * b, 1);
}

/**
 * Every mask a batch of `n` images uses, keyed by layer index: drawn in forward order, as the
 * forward pass would draw them one by one, so the stream is the one `seededDropout` gives.
 */
export function drawBatchMasks(prng: Prng, spec: ModelSpec, n: number): Map<number, Float32Array> {
  return new Map(maskedLayers(spec).map((i) => [i, drawMask(prng, spec.layers[i] as DropoutLayer, n)]));
}

/** Rows [start, end) of a batch's masks, for the shard that holds those images. */
export function shardDropout(masks: ReadonlyMap<number, Float32Array>, start: number, end: number): DropoutMasks {
  return {
    maskFor(layerIndex, layer, n) {
      const all = masks.get(layerIndex);
      if (!all || n !== end - start) throw new Error(`no mask of ${n} rows for layer ${layerIndex}`);
      const perImage = maskShape(layer, 1).reduce((a, b) => a * b, 1);
      return tf.tensor(all.slice(start * perImage, end * perImage), maskShape(layer, n), 'float32');
    },
  };
}
