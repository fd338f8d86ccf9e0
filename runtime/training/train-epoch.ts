// One epoch of the explicit training loop: shuffled mini-batches, gradients for the trainable
// parameters only (frozen ones are not even differentiated), one optimiser update per batch.
// Each batch is cut into `shards` pieces whose gradients are summed in order (shards.ts); a
// ShardTeam computes some of them on other threads, which changes the speed, never the bits.
import * as tf from '@tensorflow/tfjs-core';
import type { FeatureTransform, HeadExpr, HeadFeatures } from '../../compiler/plan.js';
import type { Network } from '../model/network.js';
import { drawBatchMasks, seededDropout } from '../model/dropout.js';
import type { Optimizer } from './optimizer.js';
import type { Images } from './image-batch.js';
import { settle } from '../backend/readback.js';
import { epochPrng, permutation } from './shuffle.js';
import type { CachedFeatures } from '../reuse/feature-cache.js';
import { shardGradients, shardRange, sumInOrder, sumNumbersInOrder, type ShardBatch, type ShardGrads, type ShardTeam } from './shards.js';

export interface EpochRequest {
  net: Network;
  optimizer: Optimizer;
  data: Images;
  batchSize: number;
  /** Pieces each batch is cut into (the plan's `shards`; default 1). */
  shards?: number;
  /** Helper threads for some of the shards (absent: every shard runs here). */
  team?: ShardTeam | null;
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
  const shards = req.shards ?? 1;
  const order = permutation(data.n, epochPrng(req.seed, req.stepIndex, req.epoch, 'shuffle'));
  const dropoutPrng = epochPrng(req.seed, req.stepIndex, req.epoch, 'dropout');
  const vars = req.trainable.map((name) => {
    const v = net.params.get(name);
    if (!v) throw new Error(`train step names unknown parameter ${name}`);
    return v;
  });
  // The frozen-feature path is cheap: its shards stay on this thread.
  const team = req.features ? null : (req.team ?? null);
  // A loss on several heads computes each batch whole, on this thread, its masks drawn in call
  // order (every head's own layers draw their own): the helpers' replicas hold no heads, and a
  // batch's masks are drawn per model layer. `shards` does not change such a step's numbers.
  const multiHead = req.on !== undefined || req.heads !== undefined;
  const headsDropout = multiHead ? seededDropout(dropoutPrng) : null;
  const batches = Math.ceil(data.n / batchSize);
  let lossSum = 0;
  for (let b = 0; b < batches; b++) {
    if (req.signal?.aborted) return { kind: 'aborted' };
    const start = b * batchSize;
    const end = Math.min(start + batchSize, data.n);
    const indices = order.subarray(start, end);
    const batch: ShardBatch = {
      net,
      data,
      indices,
      masks: multiHead ? new Map() : drawBatchMasks(dropoutPrng, net.spec, end - start),
      feature: req.feature,
      on: req.on,
      heads: req.heads,
      dropout: headsDropout ?? undefined,
      vars,
      names: req.trainable,
      features: req.features,
    };
    const { loss, grads, parts } = multiHead ? wholeBatchGradients(batch) : await batchGradients(batch, shards, team);
    // The loss (and the JavaScript optimiser update) read values synchronously: make that
    // possible on webgpu, where the update itself runs on the device and reads nothing.
    await settle(req.optimizer.runsOnDevice() ? parts : [...parts, ...Object.values(grads), ...vars]);
    const lossValue = loss();
    if (Number.isFinite(lossValue)) req.optimizer.apply(net.params, grads, req.lr, req.rates);
    tf.dispose([...parts, ...Object.values(grads)]);
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

/** The whole batch as one shard, on this thread (a loss on several heads: its masks come in call order). */
function wholeBatchGradients(batch: ShardBatch) {
  const { loss, grads } = shardGradients(batch, 0, batch.indices.length);
  return { loss: () => loss.dataSync()[0], grads, parts: [loss] };
}

/**
 * The batch's gradient: the shards offered to the team start first, this thread computes the
 * rest, then the non-empty shards' gradients are summed in shard order. `loss` reads the summed
 * loss (after `parts`, the shard losses, are settled).
 */
async function batchGradients(batch: ShardBatch, shards: number, team: ShardTeam | null) {
  const n = batch.indices.length;
  const offered = team ? team.offer(shards, n) : [];
  const remote = offered.length > 0 ? team!.run(batch, shards, offered) : Promise.resolve(new Map<number, ShardGrads>());
  remote.catch(() => {}); // awaited below, after this thread's shards
  const results = new Map<number, ShardGrads>();
  for (let s = 0; s < shards; s++) {
    const [a, z] = shardRange(n, shards, s);
    if (a < z && !offered.includes(s)) results.set(s, shardGradients(batch, a, z));
  }
  for (const [s, r] of await remote) results.set(s, r);
  const inOrder = [...results].sort((x, y) => x[0] - y[0]).map(([, r]) => r);
  const grads: Record<string, tf.Tensor> = {};
  for (const name of batch.names) grads[name] = sumInOrder(inOrder.map((r) => r.grads[name]));
  for (const r of inOrder) tf.dispose(Object.values(r.grads));
  const parts = inOrder.map((r) => r.loss);
  const loss = () => sumNumbersInOrder(parts.map((p) => p.dataSync()[0]));
  return { loss, grads, parts };
}
