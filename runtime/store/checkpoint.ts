// An arm's progress for one seed (`.mfxc`, see tensor-file.ts): weights, optimiser state and the
// position in the schedule, written after every epoch and every completed step. Shuffling and
// dropout are derived from (seed, step, epoch), so the position is all the RNG state there is.
import { existsSync, readFileSync } from 'node:fs';
import type { EvalRecord } from '../results.js';
import type { Network } from '../model/network.js';
import type { Optimizer, SavedSlot } from '../training/optimizer.js';
import { assignParams, readParams } from './weights-file.js';
import { decodeTensorFile, encodeTensorFile, TensorFileError, type NamedArray } from './tensor-file.js';
import { writeFileAtomic } from './atomic-write.js';
import type { LossHistory } from '../reuse/state-cache.js';
import { packNetworkState, unpackNetworkState } from './network-state.js';

export const CHECKPOINT_KIND = 'mfx.checkpoint';

export interface CheckpointMeta {
  planHash: string;
  arm: string;
  seed: number;
  /** Index of the step to run next (steps.length when the arm is finished). */
  nextStep: number;
  /** Epochs of `nextStep` already completed (0 when it has not started). */
  epochsDone: number;
  /** `running`, `done`, or why the arm stopped for good (e.g. `diverged at epoch 3 batch 17 (loss NaN)`). */
  status: string;
  evals: EvalRecord[];
  /** Training losses of the train steps completed so far (absent in older checkpoints). */
  history?: LossHistory;
  /** Per-step optimiser bookkeeping: parameter name → step count; tensors stored as `opt/<param>/<slot>`. */
  optimizerSteps: Record<string, number>;
  /**
   * Inside a train step that selects an epoch by validation (`train N select`): the best epoch so
   * far and its validation accuracy; its parameters are stored as `kept/<param>`.
   */
  kept?: { epoch: number; accuracy: number };
}

/** The best epoch so far of a running `select` step, with its parameters. */
export interface KeptEpoch {
  epoch: number;
  accuracy: number;
  params: NamedArray[];
}

export interface Checkpoint {
  meta: CheckpointMeta;
  params: NamedArray[];
  optimizer: Record<string, SavedSlot>;
  kept?: KeptEpoch;
}

const KEPT = 'kept/';

/** Writes a checkpoint of the network and optimiser at the given position (and the kept epoch of a running `select` step). */
export function writeCheckpoint(file: string, meta: Omit<CheckpointMeta, 'optimizerSteps' | 'kept'>, net: Network, optimizer: Optimizer, kept?: KeptEpoch): void {
  const { tensors, optimizerSteps } = packNetworkState(readParams(net), optimizer.save());
  if (kept) tensors.push(...kept.params.map((p) => ({ ...p, name: `${KEPT}${p.name}` })));
  const full: CheckpointMeta = { ...meta, optimizerSteps, ...(kept ? { kept: { epoch: kept.epoch, accuracy: kept.accuracy } } : {}) };
  writeFileAtomic(file, encodeTensorFile<CheckpointMeta>({ kind: CHECKPOINT_KIND, meta: full, tensors }));
}

/** Reads a checkpoint, or null when there is none; TensorFileError when it is damaged. */
export function readCheckpoint(file: string): Checkpoint | null {
  if (!existsSync(file)) return null;
  const decoded = decodeTensorFile<CheckpointMeta>(readFileSync(file), CHECKPOINT_KIND, file);
  const meta = decoded.meta;
  if (typeof meta?.nextStep !== 'number' || typeof meta?.epochsDone !== 'number' || !Array.isArray(meta?.evals)) {
    throw new TensorFileError(file, 'has an incomplete header (no position or evaluations)');
  }
  const { params, optimizer } = unpackNetworkState(decoded.tensors, meta.optimizerSteps);
  const keptParams = decoded.tensors.filter((t) => t.name.startsWith(KEPT)).map((t) => ({ ...t, name: t.name.slice(KEPT.length) }));
  const kept = meta.kept && keptParams.length > 0 ? { ...meta.kept, params: keptParams } : undefined;
  return { meta, params, optimizer, ...(kept ? { kept } : {}) };
}

/** Puts a checkpoint's weights and optimiser state into a network and optimiser. */
export function restoreCheckpoint(ckpt: Checkpoint, net: Network, optimizer: Optimizer, file: string): void {
  assignParams(net, ckpt.params, file);
  optimizer.restore(ckpt.optimizer);
}
