// The activation functions a model (and `invert ACT`) can name: one home for their tfjs ops.
import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from '../../compiler/plan.js';

/** ACT(x) for one of the language's activations. */
export function activate(activation: Activation, x: tf.Tensor): tf.Tensor {
  switch (activation) {
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    default: {
      const never: never = activation;
      throw new Error(`unknown activation ${String(never)}`);
    }
  }
}
