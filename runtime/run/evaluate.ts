// Accuracy and mean NLL of a network on a test set, in batches of 1000 with dropout off.
import * as tf from '@tensorflow/tfjs-core';
import { forward, type Network } from '../model/network.js';
import type { HeadView } from '../model/feature-transform.js';
import { sliceBatch, type Images } from '../training/image-batch.js';
import { settle } from '../backend/readback.js';

export const EVAL_BATCH = 1000;

export interface Evaluation {
  accuracy: number; // 0..1
  loss: number; // mean NLL
  n: number;
  /** The predicted class of every image, in set order (kept in the run folder for agreement statistics). */
  predicted: Uint8Array;
}

/** Evaluates the logits of `view.on` (the main head by default) on every image of `set`, each head on its own features. */
export async function evaluate(net: Network, set: Images, view: HeadView): Promise<Evaluation> {
  const { feature, on, heads } = view;
  let correct = 0;
  let lossSum = 0;
  const predicted = new Uint8Array(set.n);
  for (let start = 0; start < set.n; start += EVAL_BATCH) {
    const end = Math.min(start + EVAL_BATCH, set.n);
    const { sums, classes } = tf.tidy(() => {
      const { x, y } = sliceBatch(set, start, end);
      const logp = tf.logSoftmax(forward(net, x, { feature, on, heads, dropout: null }));
      const argMax = tf.argMax(logp, 1);
      const hit = tf.sum(tf.cast(tf.equal(argMax, y), 'float32'));
      const nllSum = tf.neg(tf.sum(tf.mul(logp, tf.oneHot(y, net.spec.classes))));
      return { sums: tf.stack([hit, nllSum]), classes: argMax };
    });
    await settle([sums, classes]);
    const [hits, nll] = sums.dataSync();
    predicted.set(classes.dataSync(), start);
    sums.dispose();
    classes.dispose();
    correct += hits;
    lossSum += nll;
  }
  // The checkpoint after this step reads every parameter synchronously.
  await settle(net.params.values());
  return { accuracy: set.n > 0 ? correct / set.n : 0, loss: set.n > 0 ? lossSum / set.n : 0, n: set.n, predicted };
}
