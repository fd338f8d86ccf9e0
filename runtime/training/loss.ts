// The research code's loss: mean negative log-likelihood of log-softmax outputs.
import * as tf from '@tensorflow/tfjs-core';

/** Mean NLL of log-softmax(logits) at the true labels. */
export function nllLoss(logits: tf.Tensor2D, labels: tf.Tensor1D, classes: number): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    const picked = tf.sum(tf.mul(logp, tf.oneHot(labels, classes)), 1);
    return tf.neg(tf.mean(picked)) as tf.Scalar;
  });
}
