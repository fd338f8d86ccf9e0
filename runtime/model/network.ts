// A network built from the Plan's ModelSpec: one tf.Variable per ParamSpec, NHWC, plus the
// forward pass in plain tfjs-core ops (not tfjs-layers: see docs/notes/wasm-perf-study.md).
import * as tf from '@tensorflow/tfjs-core';
import type { FeatureTransform, LayerSpec, ModelSpec } from '../../compiler/plan.js';
import { INIT_PURPOSE, initialValues } from './init.js';
import { activate } from './activation.js';
import { applyFeatureActivation, complementFeatures } from './feature-transform.js';
import type { DropoutMasks } from './dropout.js';

export interface Network {
  spec: ModelSpec;
  /** Keyed by ParamSpec.name, e.g. `conv1.weight`. */
  params: Map<string, tf.Variable>;
}

/** Creates the network's variables with the seeded default initialisation. */
export function createNetwork(spec: ModelSpec, seed: number): Network {
  const params = new Map<string, tf.Variable>();
  for (const p of spec.params) {
    params.set(p.name, tf.tidy(() => tf.variable(tf.tensor(initialValues(p, seed, INIT_PURPOSE), p.shape, 'float32'), true)));
  }
  return { spec, params };
}

/** Frees the network's variables. */
export function disposeNetwork(net: Network): void {
  for (const v of net.params.values()) v.dispose();
  net.params.clear();
}

export interface ForwardOptions {
  feature: FeatureTransform;
  /** Dropout masks for training; null in evaluation (dropout off). */
  dropout: DropoutMasks | null;
}

function param(net: Network, layer: { name: string }, role: 'weight' | 'bias'): tf.Variable {
  const v = net.params.get(`${layer.name}.${role}`);
  if (!v) throw new Error(`network has no parameter ${layer.name}.${role}`);
  return v;
}

function applyLayer(net: Network, layer: LayerSpec, index: number, x: tf.Tensor, options: ForwardOptions): tf.Tensor {
  switch (layer.kind) {
    case 'conv': {
      const y = tf.conv2d(x as tf.Tensor4D, param(net, layer, 'weight') as tf.Tensor4D, layer.stride, layer.padding);
      return tf.add(y, param(net, layer, 'bias'));
    }
    case 'dense':
      return tf.add(tf.matMul(x as tf.Tensor2D, param(net, layer, 'weight') as tf.Tensor2D), param(net, layer, 'bias'));
    case 'pool':
      return tf.maxPool(x as tf.Tensor4D, layer.size, layer.size, 'valid');
    case 'activation':
      return activate(layer.activation, x);
    case 'dropout':
    case 'dropout2d': {
      if (!options.dropout || layer.rate === 0) return x;
      return tf.mul(x, options.dropout.maskFor(index, layer, x.shape[0]));
    }
    case 'flatten':
      return tf.reshape(x, [x.shape[0], layer.outShape.reduce((a, b) => a * b, 1)]);
  }
}

/**
 * The logits (before log-softmax) for a batch of NHWC images. The FeatureTransform acts at the
 * model's feature activation (or, for a model without one, on the tensor entering flatten).
 */
export function forward(net: Network, images: tf.Tensor4D, options: ForwardOptions): tf.Tensor2D {
  return runLayers(net, images, options, 0, net.spec.layers.length) as tf.Tensor2D;
}

/**
 * Where a forward pass can be cut for the frozen-feature cache (runtime/reuse/feature-cache.ts): every
 * layer before `resumeAt` is deterministic (no dropout, not at or after the feature transform),
 * so its output is a function of the image and the (frozen) weights alone.
 */
export interface ForwardCut {
  /** First layer of the tail. */
  resumeAt: number;
  /** dropout2d layers of a fused conv→pool block: their masks act on the cut tensor first, as in the fused block. */
  pendingMasks: number[];
  /** Per-image shape of the tensor at the cut. */
  shape: number[];
}

/** The last deterministic point of the model's forward pass, or null when it is the input itself. */
export function forwardCut(spec: ModelSpec): ForwardCut | null {
  const { layers } = spec;
  const transformAt = spec.featureActivation >= 0 ? spec.featureActivation : spec.featureBoundary;
  const cut = (resumeAt: number, pendingMasks: number[], shape: number[]): ForwardCut | null => (resumeAt > 0 ? { resumeAt, pendingMasks, shape } : null);
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    if (i === transformAt) return cut(i, [], layer.inShape);
    const poolAt = layer.kind === 'conv' ? poolAfterConv(layers, i, transformAt) : -1;
    if (poolAt >= 0) {
      const masks = layers.slice(i + 1, poolAt).map((_, k) => i + 1 + k);
      if (masks.some((j) => (layers[j] as { rate: number }).rate > 0)) return cut(poolAt + 1, masks, layers[poolAt].outShape);
      i = poolAt;
      continue;
    }
    if ((layer.kind === 'dropout' || layer.kind === 'dropout2d') && layer.rate > 0) return cut(i, [], layer.inShape);
  }
  return cut(layers.length, [], layers[layers.length - 1].outShape);
}

/** Layers before the cut, evaluation mode (the cut lies before any dropout and the feature transform). */
export function forwardHead(net: Network, images: tf.Tensor4D, cut: ForwardCut): tf.Tensor {
  return runLayers(net, images, { feature: MODEL_FEATURE, dropout: null }, 0, cut.resumeAt);
}

/** The rest of `forward` from a tensor computed by `forwardHead`: the same ops in the same order. */
export function forwardTail(net: Network, atCut: tf.Tensor, cut: ForwardCut, options: ForwardOptions): tf.Tensor2D {
  let x = atCut;
  for (const j of cut.pendingMasks) x = applyPooledMask(net.spec.layers, j, x, options);
  return runLayers(net, x, options, cut.resumeAt, net.spec.layers.length) as tf.Tensor2D;
}

const MODEL_FEATURE: FeatureTransform = { kind: 'model' };

function runLayers(net: Network, input: tf.Tensor, options: ForwardOptions, start: number, end: number): tf.Tensor {
  const { layers, featureActivation, featureBoundary } = net.spec;
  const transformAt = featureActivation >= 0 ? featureActivation : featureBoundary;
  const inverted = options.feature.kind === 'inverted' ? options.feature : null;
  let x: tf.Tensor = input;
  for (let i = start; i < end; i++) {
    const layer = layers[i];
    if (inverted && i === featureActivation) {
      // The inversion's activation replaces the model's; pooling and dropout up to `flatten` act
      // on its output as written, and the complement is taken at the boundary (next branch).
      x = activate(inverted.activation, x);
      continue;
    }
    if (inverted && i === featureBoundary) {
      x = featureActivation >= 0 ? complementFeatures(inverted.activation, x) : applyFeatureActivation(inverted, x);
    }
    const poolAt = layer.kind === 'conv' ? poolAfterConv(layers, i, transformAt) : -1;
    if (layer.kind === 'conv' && poolAt >= 0) {
      x = convThenPool(net, layer, layers, i, poolAt, x, options);
      i = poolAt;
      continue;
    }
    x = applyLayer(net, layer, i, x, options);
  }
  return x as tf.Tensor2D;
}

/**
 * Index of the max-pool that follows conv layer `i` with only dropout2d layers between, or -1.
 * Max-pooling commutes with adding a per-channel bias and with dropout2d's per-(image, channel)
 * scale (>= 0), so both can be applied after the pool on a tensor `size`² times smaller: the same
 * function, less work (docs/notes/wasm-perf-study.md). Not across the feature transform.
 */
function poolAfterConv(layers: LayerSpec[], i: number, transformAt: number): number {
  for (let j = i + 1; j < layers.length && j !== transformAt; j++) {
    const kind = layers[j].kind;
    if (kind === 'pool') return j;
    if (kind !== 'dropout2d') return -1;
  }
  return -1;
}

function convThenPool(net: Network, conv: Extract<LayerSpec, { kind: 'conv' }>, layers: LayerSpec[], i: number, poolAt: number, x: tf.Tensor, options: ForwardOptions): tf.Tensor {
  const pool = layers[poolAt] as Extract<LayerSpec, { kind: 'pool' }>;
  let y: tf.Tensor = tf.conv2d(x as tf.Tensor4D, param(net, conv, 'weight') as tf.Tensor4D, conv.stride, conv.padding);
  y = tf.add(tf.maxPool(y as tf.Tensor4D, pool.size, pool.size, 'valid'), param(net, conv, 'bias'));
  for (let j = i + 1; j < poolAt; j++) y = applyPooledMask(layers, j, y, options);
  return y;
}

/** A dropout2d mask applied after the pool of a fused conv→pool block (a no-op without dropout). */
function applyPooledMask(layers: LayerSpec[], j: number, y: tf.Tensor, options: ForwardOptions): tf.Tensor {
  const drop = layers[j] as Extract<LayerSpec, { kind: 'dropout2d' }>;
  return options.dropout && drop.rate > 0 ? tf.mul(y, options.dropout.maskFor(j, drop, y.shape[0])) : y;
}
