// The activation functions a model (and `invert ACT`) can name: one home for their tfjs ops.
import * as tf from '@tensorflow/tfjs-core';

/** ACT(x) for one of the language's activations. */
export function activate(activation: string, x: tf.Tensor): tf.Tensor {
  switch (activation) {
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    default:
      throw new Error(`unknown activation ${activation}`);
  }
}
