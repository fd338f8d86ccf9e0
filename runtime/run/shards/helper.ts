// A shard helper thread: its own tfjs backend and a replica of the network, the training images
// in shared memory. It sleeps on the hand-off word (Atomics.wait: it has nothing else to do);
// per batch it claims offered shards one at a time (compareExchange, so the owner, or another
// helper, may take any it has not reached), copies the owner's parameters in, and writes each
// claimed shard's gradient and loss into that shard's slot. Its configuration (trainable
// parameters, feature transform) arrives on its port, versioned, and is read synchronously
// when a batch needs a newer one.
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type { ModelSpec } from '../../../compiler/plan.js';
import { initBackend, type BackendName } from '../../backend/select.js';
import { createNetwork, type Network } from '../../model/network.js';
import { maskValuesPerImage } from '../../model/dropout.js';
import type { Images } from '../../training/image-batch.js';
import { shardGradients, shardRange, type ShardBatch } from '../../training/shards.js';
import { serializeError } from '../workers/errors.js';
import type { SerializedError } from '../workers/messages.js';
import { evalTensors, readFigures } from '../evaluate.js';
import { claimWord, CMD, CMD_EVAL, CMD_EXIT, CONFIG, finishedWord, GEN, ROWS, STATUS_FAILED, STATUS_OK, statusWord, type EvalJob, type ShardConfig, type ShardMemory } from './shard-memory.js';

export interface HelperSetup {
  backend: BackendName;
  spec: ModelSpec;
  train: Images;
  memory: ShardMemory;
  /** Where configurations arrive (the thread's port to its parent says `ready` or why it failed). */
  config: MessagePort;
}

export type FromHelper = { type: 'ready' } | { type: 'error'; error: SerializedError };

const setup = workerData as HelperSetup;
const m = setup.memory;
const say = (msg: FromHelper) => parentPort!.postMessage(msg);

async function main(): Promise<void> {
  await initBackend(setup.backend);
  const net = createNetwork(setup.spec, 0); // values come from the owner before every batch
  let config: ShardConfig | null = null;
  let seen = Atomics.load(m.ctrl, GEN); // before `ready`: the owner offers nothing until every helper is ready
  say({ type: 'ready' });
  for (;;) {
    Atomics.wait(m.ctrl, GEN, seen);
    seen = Atomics.load(m.ctrl, GEN);
    const cmd = Atomics.load(m.ctrl, CMD);
    if (cmd === CMD_EXIT) return;
    if (cmd === CMD_EVAL) {
      config = readConfig(config, Atomics.load(m.ctrl, CONFIG));
      if (config.eval) evaluateBatches(net, config.eval);
      continue;
    }
    let batch: ShardBatch | null = null;
    for (let s = 0; s < m.shards; s++) {
      // Only a shard offered in this batch can be claimed: a late wake-up claims nothing stale.
      if (Atomics.compareExchange(m.ctrl, claimWord(m, s), seen, -seen) !== seen) continue;
      try {
        config = readConfig(config, Atomics.load(m.ctrl, CONFIG));
        batch ??= loadBatch(net, config);
        writeShard(batch, s);
        Atomics.store(m.ctrl, statusWord(m, s), STATUS_OK);
      } catch (err) {
        say({ type: 'error', error: serializeError(err) });
        Atomics.store(m.ctrl, statusWord(m, s), STATUS_FAILED);
      }
      Atomics.store(m.ctrl, finishedWord(m, s), seen);
      Atomics.notify(m.ctrl, finishedWord(m, s));
    }
  }
}

/** The configuration of version `version`: the one held, or the newest sent (the owner posts before it offers the batch). */
function readConfig(held: ShardConfig | null, version: number): ShardConfig {
  let config = held;
  while (!config || config.version !== version) {
    const got = receiveMessageOnPort(setup.config);
    if (got) config = got.message as ShardConfig;
    else Atomics.wait(m.ctrl, GEN, Atomics.load(m.ctrl, GEN), 1); // posted, not yet delivered: a millisecond's nap
  }
  return config;
}

/** The owner's parameters into this replica. */
function loadParams(net: Network): void {
  for (const p of m.paramSlots) {
    const v = net.params.get(p.name)!;
    tf.tidy(() => v.assign(tf.tensor(m.params.slice(p.offset, p.offset + p.size), p.shape, 'float32')));
  }
}

/** Takes evaluation batches while any is left; each one's figures go to the job's arrays. */
function evaluateBatches(net: Network, job: EvalJob): void {
  let loaded = false;
  for (let k = 0; k * job.batch < job.set.n; k++) {
    if (Atomics.compareExchange(job.claims, k, 0, 1) !== 0) continue;
    try {
      if (!loaded) loadParams(net);
      loaded = true;
      const start = k * job.batch;
      const f = readFigures(evalTensors(net, job.set, start, Math.min(start + job.batch, job.set.n), { feature: job.feature }));
      job.predicted.set(f.classes, start);
      job.sums[2 * k] = f.hits;
      job.sums[2 * k + 1] = f.nll;
      Atomics.store(job.done, k, 1);
    } catch (err) {
      say({ type: 'error', error: serializeError(err) });
      Atomics.store(job.done, k, -1);
    }
    Atomics.notify(job.done, k);
  }
}

/** The batch as the owner wrote it: parameters into this replica, indices and masks as views. */
function loadBatch(net: Network, config: ShardConfig): ShardBatch {
  const rows = Atomics.load(m.ctrl, ROWS);
  loadParams(net);
  const masks = new Map<number, Float32Array>();
  for (const [layer, offset] of Object.entries(m.maskOffsets)) {
    masks.set(Number(layer), m.masks.subarray(offset, offset + maskValuesPerImage(setup.spec, Number(layer)) * rows));
  }
  return {
    net,
    data: setup.train,
    indices: m.indices.subarray(0, rows),
    masks,
    feature: config.feature,
    vars: config.trainable.map((name) => net.params.get(name)!),
    names: config.trainable,
  };
}

function writeShard(batch: ShardBatch, s: number): void {
  const [a, z] = shardRange(batch.indices.length, m.shards, s);
  const { loss, grads } = shardGradients(batch, a, z);
  const base = s * m.totalParams;
  for (const p of m.paramSlots) {
    const g = grads[p.name];
    if (g) m.slots.set(g.dataSync() as Float32Array, base + p.offset);
  }
  m.losses[s] = loss.dataSync()[0];
  tf.dispose([loss, ...Object.values(grads)]);
}

main().catch((err) => say({ type: 'error', error: serializeError(err) }));
