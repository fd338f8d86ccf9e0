// One epoch of the explicit training loop: shuffled mini-batches, gradients for the trainable
// parameters only (frozen ones are not even differentiated), one optimiser update per batch.
import * as tf from '@tensorflow/tfjs-core';
import type { FeatureTransform, HeadExpr, HeadFeatures } from '../../compiler/plan.js';
import { forward, type Network } from '../model/network.js';
import { seededDropout } from '../model/dropout.js';
import type { Optimizer } from './optimizer.js';
import { gatherBatch, type Images } from './image-batch.js';
import { nllLoss } from './loss.js';
import { settle } from '../backend/readback.js';
import { epochPrng, permutation } from './shuffle.js';
import type { CachedFeatures } from '../reuse/feature-cache.js';

export interface EpochRequest {
  net: Network;
  optimizer: Optimizer;
  data: Images;
  batchSize: number;
  trainable: string[];
  /** The main head's feature transform. */
  feature: FeatureTransform;
  /** The heads whose summed logits the loss reads (absent: `main`), and each head's transform. */
  on?: HeadExpr;
  heads?: HeadFeatures;
  lr: number;
  /** Per-parameter rates that differ from `lr` (the train step's `rates`). */
  rates?: Readonly<Record<string, number>>;
  seed: number;
  stepIndex: number;
  epoch: number; // 1-based within the step
  signal?: AbortSignal;
  /** The frozen stem's output for every image of `data` (runtime/reuse/feature-cache.ts): only the tail runs. */
  features?: CachedFeatures;
  /** Called after every batch with its mean loss; may be async (lets the event loop breathe). */
  onBatch?: (batch: number, batches: number, loss: number) => void | Promise<void>;
}

export type EpochOutcome =
  | { kind: 'done'; meanLoss: number; images: number }
  | { kind: 'diverged'; batch: number; loss: number }
  | { kind: 'aborted' };

/** Trains one epoch; the network and optimiser are left as after the last completed batch. */
export async function trainEpoch(req: EpochRequest): Promise<EpochOutcome> {
  const { net, data, batchSize } = req;
  const order = permutation(data.n, epochPrng(req.seed, req.stepIndex, req.epoch, 'shuffle'));
  const dropout = seededDropout(epochPrng(req.seed, req.stepIndex, req.epoch, 'dropout'));
  const vars = req.trainable.map((name) => {
    const v = net.params.get(name);
    if (!v) throw new Error(`train step names unknown parameter ${name}`);
    return v;
  });
  const nameOf = new Map(vars.map((v, i) => [v.name, req.trainable[i]]));
  const batches = Math.ceil(data.n / batchSize);
  let lossSum = 0;
  for (let b = 0; b < batches; b++) {
    if (req.signal?.aborted) return { kind: 'aborted' };
    const start = b * batchSize;
    const end = Math.min(start + batchSize, data.n);
    const { value, grads } = tf.tidy(() => {
      const indices = order.subarray(start, end);
      const { x, y } = req.features ? req.features.gather(indices) : gatherBatch(data, indices);
      const options = { feature: req.feature, on: req.on, heads: req.heads, dropout };
      return tf.variableGrads(
        () => nllLoss(req.features ? req.features.forward(net, x, options) : forward(net, x as tf.Tensor4D, options), y, net.spec.classes),
        vars,
      );
    });
    // The loss (and the JavaScript optimiser update) read values synchronously: make that
    // possible on webgpu, where the update itself runs on the device and reads nothing.
    await settle(req.optimizer.runsOnDevice() ? [value] : [value, ...Object.values(grads), ...vars]);
    const lossValue = value.dataSync()[0];
    if (Number.isFinite(lossValue)) {
      const named: Record<string, tf.Tensor> = {};
      for (const [varName, g] of Object.entries(grads)) named[nameOf.get(varName)!] = g;
      req.optimizer.apply(net.params, named, req.lr, req.rates);
    }
    tf.dispose([value, ...Object.values(grads)]);
    if (!Number.isFinite(lossValue)) {
      await settle(net.params.values()); // the checkpoint written next reads them
      await req.optimizer.settle();
      return { kind: 'diverged', batch: b + 1, loss: lossValue };
    }
    lossSum += lossValue * (end - start);
    await req.onBatch?.(b + 1, batches, lossValue);
  }
  // Checkpoints and weights files after the epoch read every parameter synchronously.
  await settle(net.params.values());
  await req.optimizer.settle();
  return { kind: 'done', meanLoss: lossSum / data.n, images: data.n };
}
