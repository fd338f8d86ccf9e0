// The shared memory a shard team works in (team.ts on the owning thread, helper.ts on each
// helper thread): one block of SharedArrayBuffers, laid out from the model and the plan alone.
//   ctrl     Int32: the hand-off words (below), then per shard CLAIM, FINISHED and STATUS
//   params   Float32: every parameter, in ModelSpec.params order (the owner writes them per batch)
//   indices  Uint32: the batch's image indices (into the shared training images)
//   masks    Float32: the batch's dropout masks, whole, per masked layer
//   slots    Float32: one gradient slot per shard (same layout as params), plus one loss each
import type { FeatureTransform, ModelSpec } from '../../../compiler/plan.js';
import { maskedLayers, maskValuesPerImage } from '../../model/dropout.js';
import type { Images } from '../../training/image-batch.js';

/** ctrl word indices. GEN counts batches handed out; CMD says what GEN means. */
export const GEN = 0;
export const CMD = 1;
/** Images in the batch. */
export const ROWS = 2;
/** Version of the configuration (trainable parameters, feature transform) the batch uses. */
export const CONFIG = 3;
const HEADER = 8;

export const CMD_BATCH = 1;
export const CMD_EXIT = 2;
/** Evaluate batches of the test set in the configuration's `eval` job. */
export const CMD_EVAL = 3;
export const STATUS_OK = 0;
export const STATUS_FAILED = 1;

export interface ParamSlot {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

export interface ShardMemory {
  helpers: number;
  shards: number;
  maxBatch: number;
  paramSlots: ParamSlot[];
  totalParams: number;
  /** Masked layer index → offset of its values (room for maxBatch images). */
  maskOffsets: Record<number, number>;
  ctrl: Int32Array;
  params: Float32Array;
  indices: Uint32Array;
  masks: Float32Array;
  slots: Float32Array;
  losses: Float32Array;
}

/**
 * Shard s's claim: the batch's GEN while it is offered to the helpers, -GEN once a thread took
 * it (Atomics.compareExchange: exactly one thread computes it), anything else: not offered.
 */
export const claimWord = (m: ShardMemory, s: number): number => HEADER + s;
/** The GEN of the last batch for which a helper wrote shard s's slot (or failed: STATUS). */
export const finishedWord = (m: ShardMemory, s: number): number => HEADER + m.shards + s;
export const statusWord = (m: ShardMemory, s: number): number => HEADER + 2 * m.shards + s;

/** Bound on the gradient slots (4 bytes × shards × parameters): above it the shards run in turn, without a team. */
export const MAX_SLOT_BYTES = 512 * 1024 ** 2;

export const slotBytes = (spec: ModelSpec, shards: number): number => 4 * shards * spec.totalParams;

const floats = (n: number) => new Float32Array(new SharedArrayBuffer(4 * Math.max(1, n)));

/** A fresh block for `helpers` helper threads computing some of `shards` shards of batches up to `maxBatch`. */
export function createShardMemory(spec: ModelSpec, helpers: number, shards: number, maxBatch: number): ShardMemory {
  let offset = 0;
  const paramSlots = spec.params.map((p) => {
    const slot = { name: p.name, shape: p.shape.slice(), offset, size: p.size };
    offset += p.size;
    return slot;
  });
  const maskOffsets: Record<number, number> = {};
  let maskFloats = 0;
  for (const i of maskedLayers(spec)) {
    maskOffsets[i] = maskFloats;
    maskFloats += maskValuesPerImage(spec, i) * maxBatch;
  }
  return {
    helpers,
    shards,
    maxBatch,
    paramSlots,
    totalParams: offset,
    maskOffsets,
    ctrl: new Int32Array(new SharedArrayBuffer(4 * (HEADER + 3 * shards))),
    params: floats(offset),
    indices: new Uint32Array(new SharedArrayBuffer(4 * maxBatch)),
    masks: floats(maskFloats),
    slots: floats(shards * offset),
    losses: floats(shards),
  };
}

/** The configuration of the batches that follow, sent to each helper when it changes. */
export interface ShardConfig {
  version: number;
  trainable: string[];
  feature: FeatureTransform;
  /** With CMD_EVAL: the test set to evaluate, batch by batch. */
  eval?: EvalJob;
}

/**
 * One evaluation shared by the owner and the helpers (runtime/run/evaluate.ts): every array in
 * shared memory. A thread takes batch k with compareExchange(claims[k], 0, 1) and, when it is a
 * helper, writes the batch's classes and sums and sets done[k] to 1 (-1: it failed).
 */
export interface EvalJob {
  set: Images;
  feature: FeatureTransform;
  batch: number;
  predicted: Uint8Array;
  /** hits and NLL sum of batch k at 2k, 2k+1. */
  sums: Float32Array;
  claims: Int32Array;
  done: Int32Array;
}
