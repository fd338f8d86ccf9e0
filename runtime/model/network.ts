// A network built from the Plan's ModelSpec: one tf.Variable per ParamSpec, NHWC, plus the
// forward pass in plain tfjs-core ops (not tfjs-layers: see docs/notes/wasm-perf-study.md).
// Heads (`head NAME` steps) are further dense stacks on the shared features: each applies its
// own feature transform at the feature boundary and its own layers; a head expression sums the
// logits of its heads.
import * as tf from '@tensorflow/tfjs-core';
import type { FeatureTransform, LayerSpec, ModelSpec, ParamSpec } from '../../compiler/plan.js';
import { INIT_PURPOSE, initialValues } from './init.js';
import { activate } from './activation.js';
import { applyFeatureActivation, complementFeatures, headFeature, MAIN_HEAD, type HeadView } from './feature-transform.js';
import type { DropoutMasks } from './dropout.js';

/** A head added by a `head` step: copies of the main head's layers, named `NAME.LAYER`, and their parameters. */
export interface Head {
  name: string;
  layers: LayerSpec[];
  params: ParamSpec[];
}

export interface Network {
  spec: ModelSpec;
  /** Keyed by ParamSpec.name, e.g. `conv1.weight`, `missing.fc1.weight`: the model's and every head's. */
  params: Map<string, tf.Variable>;
  /** Heads besides `main`, in the order their `head` steps ran. */
  heads: Head[];
}

function initialVariable(p: ParamSpec, seed: number): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(initialValues(p, seed, INIT_PURPOSE), p.shape, 'float32'), true));
}

/** Creates the network's variables with the seeded default initialisation. */
export function createNetwork(spec: ModelSpec, seed: number): Network {
  const params = new Map<string, tf.Variable>();
  for (const p of spec.params) params.set(p.name, initialVariable(p, seed));
  return { spec, params, heads: [] };
}

/** Every parameter the network has now: the model's, then each head's, in the order added. */
export function networkParams(net: Network): ParamSpec[] {
  return net.heads.length === 0 ? net.spec.params : [...net.spec.params, ...net.heads.flatMap((h) => h.params)];
}

/**
 * Adds a head with fresh parameters. Like the model's own layers, each parameter's values come
 * from a stream of (seed, `init`, parameter name) alone: the same in every arm, process and
 * thread. A head of the same name is replaced.
 */
export function addHead(net: Network, head: Head, seed: number): void {
  removeHeads(net, (h) => h.name === head.name);
  for (const p of head.params) net.params.set(p.name, initialVariable(p, seed));
  net.heads.push({ name: head.name, layers: head.layers, params: head.params });
}

/** Removes (and frees) the heads after the first `keep`. */
export function keepHeads(net: Network, keep: number): void {
  const extra = new Set(net.heads.slice(keep));
  removeHeads(net, (h) => extra.has(h));
}

function removeHeads(net: Network, which: (h: Head) => boolean): void {
  for (const h of net.heads.filter(which)) {
    for (const p of h.params) {
      net.params.get(p.name)?.dispose();
      net.params.delete(p.name);
    }
  }
  net.heads = net.heads.filter((h) => !which(h));
}

/** Frees the network's variables. */
export function disposeNetwork(net: Network): void {
  for (const v of net.params.values()) v.dispose();
  net.params.clear();
  net.heads = [];
}

export interface ForwardOptions extends HeadView {
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
  return runFrom(net, images, options, 0);
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
  const transformAt = transformIndex(spec);
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
export function forwardStem(net: Network, images: tf.Tensor4D, cut: ForwardCut): tf.Tensor {
  return runLayers(net, images, { feature: MODEL_FEATURE, dropout: null }, 0, cut.resumeAt);
}

/**
 * The rest of `forward` from a tensor computed by `forwardStem`: the same ops in the same order.
 * The cut lies at or before the feature transform, so every head applies its own on it.
 */
export function forwardTail(net: Network, atCut: tf.Tensor, cut: ForwardCut, options: ForwardOptions): tf.Tensor2D {
  let x = atCut;
  for (const j of cut.pendingMasks) x = applyPooledMask(net.spec.layers, j, x, options);
  return runFrom(net, x, options, cut.resumeAt);
}

const MODEL_FEATURE: FeatureTransform = { kind: 'model' };

/** Index of the layer where the feature transform acts: the feature activation, else `flatten`. */
function transformIndex(spec: ModelSpec): number {
  return spec.featureActivation >= 0 ? spec.featureActivation : spec.featureBoundary;
}

/**
 * The logits of `options.on` from layer `start` on. `main` alone runs the model's layers as
 * written. Otherwise the layers before the feature transform run once, and each head runs the
 * feature section (transform .. flatten) with its own transform, then its own layers; their
 * logits are added in the order written. Dropout masks in the feature section are drawn once
 * and shared by the heads (the features are one tensor); each head's own layers draw their own.
 */
function runFrom(net: Network, input: tf.Tensor, options: ForwardOptions, start: number): tf.Tensor2D {
  const { layers, featureBoundary } = net.spec;
  const on = options.on ?? [MAIN_HEAD];
  if (on.length === 0) throw new Error('a head expression names no head');
  if (on.length === 1 && on[0] === MAIN_HEAD) return runLayers(net, input, options, start, layers.length) as tf.Tensor2D;
  const at = transformIndex(net.spec);
  const shared = runLayers(net, input, options, start, at);
  const featureMasks = options.dropout ? drawOnce(options.dropout) : null;
  let sum: tf.Tensor | null = null;
  for (const name of on) {
    const feature = headFeature(options, name);
    const features = runLayers(net, shared, { feature, dropout: featureMasks }, at, featureBoundary + 1);
    const logits = name === MAIN_HEAD ? runLayers(net, features, options, featureBoundary + 1, layers.length) : runHead(net, headNamed(net, name), features, options);
    sum = sum === null ? logits : tf.add(sum, logits);
  }
  return sum as tf.Tensor2D;
}

function headNamed(net: Network, name: string): Head {
  const head = net.heads.find((h) => h.name === name);
  if (!head) throw new Error(`the network has no head ${name} (heads: ${[MAIN_HEAD, ...net.heads.map((h) => h.name)].join(', ')})`);
  return head;
}

/** A head's own layers on the features (after `flatten`). */
function runHead(net: Network, head: Head, features: tf.Tensor, options: ForwardOptions): tf.Tensor {
  let x = features;
  head.layers.forEach((layer, k) => {
    x = applyLayer(net, layer, net.spec.featureBoundary + 1 + k, x, options);
  });
  return x;
}

/** Masks that are drawn on a layer's first request and returned again on later ones (within one forward pass). */
function drawOnce(masks: DropoutMasks): DropoutMasks {
  const drawn = new Map<number, tf.Tensor>();
  return {
    maskFor(index, layer, n) {
      let mask = drawn.get(index);
      if (!mask) drawn.set(index, (mask = masks.maskFor(index, layer, n)));
      return mask;
    },
  };
}

function runLayers(net: Network, input: tf.Tensor, options: ForwardOptions, start: number, end: number): tf.Tensor {
  const { layers, featureActivation, featureBoundary } = net.spec;
  const transformAt = transformIndex(net.spec);
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
