// Synchronous data parallelism within one batch: the batch is cut into the plan's `shards`
// pieces, each piece's gradient is computed on its own (on this thread or a helper thread: see
// ShardTeam), and the gradients are summed in shard order before one optimiser step. Each
// shard's loss is the sum over its images divided by the WHOLE batch's size, so the shard
// gradients add up to the gradient of the batch mean. The shard count, not the thread count,
// fixes every rounding: any thread computes a shard to the same bits, and the sum's order is fixed.
import * as tf from '@tensorflow/tfjs-core';
import type { FeatureTransform, HeadExpr, HeadFeatures } from '../../compiler/plan.js';
import { forward, type Network } from '../model/network.js';
import { shardDropout, type DropoutMasks } from '../model/dropout.js';
import { gatherBatch, type Images } from './image-batch.js';
import { nllLoss } from './loss.js';
import type { CachedFeatures } from '../reuse/feature-cache.js';

/** Rows [start, end) of shard `s` of `shards` in a batch of `n` (some are empty when n < shards). */
export function shardRange(n: number, shards: number, s: number): [number, number] {
  return [Math.floor((s * n) / shards), Math.floor(((s + 1) * n) / shards)];
}

/**
 * Sums per-shard values in shard order: ((g0 + g1) + g2) + ..., each addition one float32
 * rounding (tf.add), whatever thread computed each term. One term is returned as it is.
 */
export function sumInOrder(terms: readonly tf.Tensor[]): tf.Tensor {
  if (terms.length === 0) throw new Error('sumInOrder needs at least one term');
  return tf.tidy(() => terms.slice(1).reduce((acc, t) => tf.add(acc, t), terms[0].clone()));
}

/** The same fixed-order sum of float32 numbers (shard losses). */
export function sumNumbersInOrder(terms: readonly number[]): number {
  return terms.reduce((acc, t, i) => (i === 0 ? Math.fround(t) : Math.fround(acc + t)), 0);
}

/** What every shard of one batch needs, wherever it runs. */
export interface ShardBatch {
  net: Network;
  data: Images;
  /** The batch's images (indices into `data`), all shards together. */
  indices: Uint32Array;
  /** The batch's dropout masks, whole (runtime/model/dropout.ts drawBatchMasks). */
  masks: ReadonlyMap<number, Float32Array>;
  feature: FeatureTransform;
  /** The heads whose summed logits the loss reads (absent: `main`), and each head's transform. */
  on?: HeadExpr;
  heads?: HeadFeatures;
  /**
   * Masks drawn in call order as the forward pass asks (each head's own layers draw their own),
   * instead of `masks`: only for a batch computed as one shard (a loss on several heads).
   */
  dropout?: DropoutMasks;
  /** Trainable variables and their parameter names, in the same order. */
  vars: tf.Variable[];
  names: string[];
  /** The frozen head's output for every image (feature cache): only the tail runs. */
  features?: CachedFeatures;
}

/** One shard's loss (a scalar, its part of the batch mean) and gradients keyed by parameter name. */
export interface ShardGrads {
  loss: tf.Scalar;
  grads: Record<string, tf.Tensor>;
}

/** Forward and backward pass of rows [start, end) of the batch. */
export function shardGradients(b: ShardBatch, start: number, end: number): ShardGrads {
  const n = b.indices.length;
  const nameOf = new Map(b.vars.map((v, i) => [v.name, b.names[i]]));
  const { value, grads } = tf.tidy(() => {
    const rows = b.indices.subarray(start, end);
    const { x, y } = b.features ? b.features.gather(rows) : gatherBatch(b.data, rows);
    const options = { feature: b.feature, on: b.on, heads: b.heads, dropout: b.dropout ?? shardDropout(b.masks, start, end) };
    return tf.variableGrads(() => {
      const logits = b.features ? b.features.forward(b.net, x, options) : forward(b.net, x as tf.Tensor4D, options);
      return shardLoss(logits, y, b.net.spec.classes, n);
    }, b.vars);
  });
  const named: Record<string, tf.Tensor> = {};
  for (const [varName, g] of Object.entries(grads)) named[nameOf.get(varName)!] = g;
  return { loss: value, grads: named };
}

/**
 * NLL summed over the shard's images, divided by the batch size. A shard that is the whole
 * batch uses the plain mean, as every batch was computed before shards existed (`shards 1`).
 */
function shardLoss(logits: tf.Tensor2D, labels: tf.Tensor1D, classes: number, batchSize: number): tf.Scalar {
  if (logits.shape[0] === batchSize) return nllLoss(logits, labels, classes);
  return tf.tidy(() => {
    const picked = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(labels, classes)), 1);
    return tf.div(tf.neg(tf.sum(picked)), batchSize) as tf.Scalar;
  });
}

/**
 * Helper threads that compute some of a batch's shards (runtime/run/shards/team.ts). `offer`
 * says which shards of a batch of `n` it offers them (none while they start up); `run` starts
 * them on those, from the parameters as they are now, and resolves to every offered shard's
 * result once the owner has computed its own: a shard no helper took by then is computed on the
 * owner's thread instead (the bits do not depend on where).
 */
export interface ShardTeam {
  offer(shards: number, n: number): number[];
  run(b: ShardBatch, shards: number, offered: number[]): Promise<Map<number, ShardGrads>>;
}
