// Feature inversion (language sketch, `invert ACT`): at the feature boundary the activation
// becomes ACT and is complemented, so neurons for missing features fire. z is the activation's input.
import * as tf from '@tensorflow/tfjs-core';
import type { FeatureTransform } from '../../compiler/plan.js';

/** f(z) for an inverted feature transform: relu6 → 6 - min(max(z,0),6); sigmoid → 1 - sigmoid(z); tanh → -tanh(z); relu → 1 - max(z,0). */
export function applyFeatureActivation(transform: Extract<FeatureTransform, { kind: 'inverted' }>, z: tf.Tensor): tf.Tensor {
  switch (transform.activation) {
    case 'relu6':
      return tf.sub(6, tf.relu6(z));
    case 'sigmoid':
      return tf.sub(1, tf.sigmoid(z));
    case 'tanh':
      return tf.neg(tf.tanh(z));
    case 'relu':
      return tf.sub(1, tf.relu(z));
  }
}

/** The activation being complemented, or null for the model's own features. */
export function invertedActivation(transform: FeatureTransform): string | null {
  return transform.kind === 'inverted' ? transform.activation : null;
}
