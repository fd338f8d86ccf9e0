// Feature inversion (language sketch, `invert ACT`): at the feature boundary the activation
// becomes ACT and is complemented, so neurons for missing features fire. z is the activation's input.
// When max-pooling (or dropout) stands between the activation and `flatten`, as in the research
// code's network (relu, pool, then 1 - x), ACT runs where the model's activation stands, the
// layers after it run as written, and the complement is taken on the tensor entering `flatten`.
import * as tf from '@tensorflow/tfjs-core';
import type { Activation, FeatureTransform, HeadExpr, HeadFeatures } from '../../compiler/plan.js';
import { activate } from './activation.js';

/** The complement of ACT's output y: relu6 → 6 - y; sigmoid, relu → 1 - y; tanh → -y. */
export function complementFeatures(activation: Activation, y: tf.Tensor): tf.Tensor {
  switch (activation) {
    case 'relu6':
      return tf.sub(6, y);
    case 'sigmoid':
    case 'relu':
      return tf.sub(1, y);
    case 'tanh':
      return tf.neg(y);
    default: {
      const never: never = activation;
      throw new Error(`unknown activation ${String(never)}`);
    }
  }
}

/** f(z) for an inverted feature transform: relu6 → 6 - min(max(z,0),6); sigmoid → 1 - sigmoid(z); tanh → -tanh(z); relu → 1 - max(z,0). */
export function applyFeatureActivation(transform: Extract<FeatureTransform, { kind: 'inverted' }>, z: tf.Tensor): tf.Tensor {
  return complementFeatures(transform.activation, activate(transform.activation, z));
}

/** The activation being complemented, or null for the model's own features. */
export function invertedActivation(transform: FeatureTransform): string | null {
  return transform.kind === 'inverted' ? transform.activation : null;
}

/** The model's own head: its layers after the feature boundary. */
export const MAIN_HEAD = 'main';

const MODEL_FEATURE: FeatureTransform = { kind: 'model' };

/** What a forward pass computes: whose logits, on which features (a train or eval step's fields). */
export interface HeadView {
  /** The main head's feature transform. */
  feature: FeatureTransform;
  /** The heads whose logits are summed, in the order written; absent means `main` alone. */
  on?: HeadExpr;
  /** Each head's feature transform (a head not listed reads the model's own features); `main` uses `feature`. */
  heads?: HeadFeatures;
}

/** The transform head `name` reads under a view. */
export function headFeature(view: HeadView, name: string): FeatureTransform {
  return name === MAIN_HEAD ? view.feature : (view.heads?.[name] ?? MODEL_FEATURE);
}

/** The first inverted activation among the heads the view reads, or null when they all read the model's features. */
export function invertedInView(view: HeadView): string | null {
  for (const name of view.on ?? [MAIN_HEAD]) {
    const inverted = invertedActivation(headFeature(view, name));
    if (inverted !== null) return inverted;
  }
  return null;
}
