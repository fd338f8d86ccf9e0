// Accuracy and mean NLL of a network on a test set, in batches of 1000 with dropout off. A
// shard team (shards/team.ts) may compute some of the batches on its helper threads; each
// batch's figures are the same bits on any thread, and they are added up in batch order here.
import * as tf from '@tensorflow/tfjs-core';
import { forward, type Network } from '../model/network.js';
import type { HeadView } from '../model/feature-transform.js';
import type { FeatureTransform } from '../../compiler/plan.js';
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

/** One batch's figures: correct predictions, summed NLL (float32 sums) and the predicted classes. */
export interface BatchFigures {
  hits: number;
  nll: number;
  classes: Uint8Array;
}

/** Helper threads that evaluate some batches (null: they cannot now, evaluate here). */
export interface EvalTeam {
  evaluate(net: Network, set: Images, feature: FeatureTransform): Promise<BatchFigures[] | null>;
}

/** The tensors of images [start, end) of `set`: [hits, NLL sum] and the predicted classes. */
export function evalTensors(net: Network, set: Images, start: number, end: number, view: HeadView): { sums: tf.Tensor; classes: tf.Tensor } {
  const { feature, on, heads } = view;
  return tf.tidy(() => {
    const { x, y } = sliceBatch(set, start, end);
    const logp = tf.logSoftmax(forward(net, x, { feature, on, heads, dropout: null }));
    const argMax = tf.argMax(logp, 1);
    const hit = tf.sum(tf.cast(tf.equal(argMax, y), 'float32'));
    const nllSum = tf.neg(tf.sum(tf.mul(logp, tf.oneHot(y, net.spec.classes))));
    return { sums: tf.stack([hit, nllSum]), classes: argMax };
  });
}

/** Reads (and frees) settled tensors from evalTensors. */
export function readFigures(t: { sums: tf.Tensor; classes: tf.Tensor }): BatchFigures {
  const [hits, nll] = t.sums.dataSync();
  const classes = Uint8Array.from(t.classes.dataSync());
  t.sums.dispose();
  t.classes.dispose();
  return { hits, nll, classes };
}

/**
 * Evaluates the logits of `view.on` (the main head by default) on every image of `set`, each
 * head on its own features. The team helps only with the main head alone: its helpers' replicas
 * hold no other heads.
 */
export async function evaluate(net: Network, set: Images, view: HeadView, team?: EvalTeam | null): Promise<Evaluation> {
  const mainOnly = view.on === undefined && view.heads === undefined;
  const shared = team && mainOnly ? await team.evaluate(net, set, view.feature) : null;
  let correct = 0;
  let lossSum = 0;
  const predicted = new Uint8Array(set.n);
  for (let b = 0, start = 0; start < set.n; b++, start += EVAL_BATCH) {
    const end = Math.min(start + EVAL_BATCH, set.n);
    let figures = shared?.[b];
    if (!figures) {
      const t = evalTensors(net, set, start, end, view);
      await settle([t.sums, t.classes]); // webgpu reads only settled tensors synchronously
      figures = readFigures(t);
    }
    predicted.set(figures.classes, start);
    correct += figures.hits;
    lossSum += figures.nll;
  }
  // The checkpoint after this step reads every parameter synchronously.
  await settle(net.params.values());
  return { accuracy: set.n > 0 ? correct / set.n : 0, loss: set.n > 0 ? lossSum / set.n : 0, n: set.n, predicted };
}
