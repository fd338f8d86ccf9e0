// Frozen-feature cache: while every parameter before the model's last deterministic point is
// frozen, that part of the forward pass gives the same tensor for an image in every epoch. It is
// computed once per training image at the start of the train step and the epochs run only the
// tail (dropout masks, feature transform, heads) on it: the same ops on the same values, in the
// same order, so results are bitwise those of the uncached path (tested). The cut lies at or
// before the feature transform, so one cache serves every head, each applying its own transform.
import * as tf from '@tensorflow/tfjs-core';
import type { ArmSpec, ModelSpec } from '../../compiler/plan.js';
import { forwardCut, forwardStem, forwardTail, type ForwardCut, type ForwardOptions, type Network } from '../model/network.js';
import { sliceBatch, type Images } from '../training/image-batch.js';
import { settle } from '../backend/readback.js';

/** Default bound on the cache's size: 1 GiB of float32 features. */
export const DEFAULT_FEATURE_CACHE_BYTES = 1024 ** 3;

/** Whether a train step can use the cache, and what it would cost. */
export type FeatureCacheDecision =
  | { kind: 'use'; cut: ForwardCut; bytes: number }
  | { kind: 'ineligible' } // something before the cut trains, or the model has no deterministic stem
  | { kind: 'too-big'; cut: ForwardCut; bytes: number; limit: number };

/** Decides for a train step over `n` images with the given trainable parameters. */
export function decideFeatureCache(spec: ModelSpec, trainable: readonly string[], n: number, limitBytes: number): FeatureCacheDecision {
  const cut = forwardCut(spec);
  if (!cut || limitBytes <= 0) return { kind: 'ineligible' };
  const training = new Set(trainable);
  const stemParams = spec.layers.slice(0, cut.resumeAt).flatMap((l) => ('params' in l ? l.params : []));
  if (stemParams.some((p) => training.has(p))) return { kind: 'ineligible' };
  const bytes = n * cut.shape.reduce((a, b) => a * b, 1) * 4;
  return bytes > limitBytes ? { kind: 'too-big', cut, bytes, limit: limitBytes } : { kind: 'use', cut, bytes };
}

/** The cut tensor of every training image, and how to run the rest of the network on it. */
export interface CachedFeatures {
  /** The cached tensors of the images at `indices`, as one batch (the caller's tidy frees it). */
  gather(indices: ArrayLike<number>): { x: tf.Tensor; y: tf.Tensor1D };
  /** The logits from a batch returned by `gather`: `forward` without the cached layers. */
  forward(net: Network, x: tf.Tensor, options: ForwardOptions): tf.Tensor2D;
  bytes: number;
}

// Batches of this many images while filling the cache: per-image results do not depend on the
// batch (convolution, pooling and bias act image by image), so any size gives the same values;
// wasm convolutions were slower per image in batches of 1000 than of 64-256.
const FILL_BATCH = 128;

/** Computes the stem (the layers before the cut) once for every image of `data` with the network's current (frozen) weights. */
export async function buildFeatureCache(net: Network, data: Images, cut: ForwardCut): Promise<CachedFeatures> {
  const size = cut.shape.reduce((a, b) => a * b, 1);
  const features = new Float32Array(data.n * size);
  for (let start = 0; start < data.n; start += FILL_BATCH) {
    const end = Math.min(start + FILL_BATCH, data.n);
    const stem = tf.tidy(() => forwardStem(net, sliceBatch(data, start, end).x, cut));
    await settle([stem]);
    features.set(stem.dataSync(), start * size);
    stem.dispose();
  }
  return {
    bytes: features.byteLength,
    gather(indices) {
      const n = indices.length;
      const xs = new Float32Array(n * size);
      const ys = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const k = indices[i];
        xs.set(features.subarray(k * size, (k + 1) * size), i * size);
        ys[i] = data.labels[k];
      }
      return { x: tf.tensor(xs, [n, ...cut.shape], 'float32'), y: tf.tensor1d(ys, 'int32') };
    },
    forward: (n, x, options) => forwardTail(n, x, cut, options),
  };
}

/**
 * What the cached tensors depend on: the seed and the state after the last step that changed a
 * parameter before the cut (its stateKey covers everything up to it). Arms that freeze the same
 * pretrained layers (the hybrids) get the same key and share one fill. Null when a step has no
 * stateKey (hand-built plans): then nothing is shared.
 */
export function featureCacheKey(arm: ArmSpec, stepIndex: number, seed: number, stemParams: readonly string[]): string | null {
  const stem = new Set(stemParams);
  for (let i = stepIndex - 1; i >= 0; i--) {
    const step = arm.steps[i];
    const changesStem =
      step.kind === 'load' ||
      (step.kind === 'train' && step.trainable.some((p) => stem.has(p))) ||
      (step.kind === 'reset' && step.params.some((p) => stem.has(p)));
    if (changesStem) return step.stateKey === '' ? null : `${seed}\u0000${step.stateKey}`;
  }
  return arm.steps[0]?.stateKey ? `${seed}\u0000initial` : null;
}

/** Keeps the most recent cache, so the next arm freezing the same layers reuses it (one at a time: bounded memory). */
export class FeatureCacheStore {
  private last: { key: string; features: CachedFeatures } | null = null;

  get(key: string | null): CachedFeatures | undefined {
    return key !== null && this.last?.key === key ? this.last.features : undefined;
  }

  keep(key: string | null, features: CachedFeatures): void {
    this.last = key === null ? null : { key, features };
  }
}

/**
 * The cache for a train step when it applies and fits within `limitBytes`; otherwise undefined,
 * after a `warn` saying why when only its size stands in the way. With a store, a cache built
 * for an earlier step or arm from the same frozen layers is reused.
 */
export async function prepareFeatureCache(
  net: Network,
  data: Images,
  trainable: readonly string[],
  limitBytes: number,
  warn: (message: string) => void,
  reuse?: { store: FeatureCacheStore; arm: ArmSpec; stepIndex: number; seed: number },
): Promise<CachedFeatures | undefined> {
  const decision = decideFeatureCache(net.spec, trainable, data.n, limitBytes);
  if (decision.kind === 'too-big') {
    const mib = (b: number) => `${(b / 1024 ** 2).toFixed(0)} MiB`;
    warn(`frozen-feature cache skipped: it would take ${mib(decision.bytes)}, over the ${mib(decision.limit)} limit (MFX_FEATURE_CACHE_MB); this train step recomputes the frozen layers every batch (same results, slower)`);
    return undefined;
  }
  if (decision.kind !== 'use') return undefined;
  const stemParams = net.spec.layers.slice(0, decision.cut.resumeAt).flatMap((l) => ('params' in l ? l.params : []));
  const key = reuse ? featureCacheKey(reuse.arm, reuse.stepIndex, reuse.seed, stemParams) : null;
  const kept = reuse?.store.get(key);
  if (kept) return kept;
  const features = await buildFeatureCache(net, data, decision.cut);
  reuse?.store.keep(key, features);
  return features;
}
