// Where a unit starts: the one function that finds an arm's starting state, trying in order
// 1. its checkpoint in the run folder (on --resume), 2. the prefix state an earlier arm handed
// over, 3. the cross-run cache (which may extend 1 or 2 further). Reused steps are announced as
// `reused` step events, so the event stream of a reused arm reads like a computed one.
import type { ArmSpec } from '../../compiler/plan.js';
import type { RunEvent } from '../events.js';
import type { EvalRecord } from '../results.js';
import { addHead, createNetwork, disposeNetwork, keepHeads, type Network } from '../model/network.js';
import { Optimizer } from '../training/optimizer.js';
import { readCheckpoint, restoreCheckpoint, writeCheckpoint, type Checkpoint, type KeptEpoch } from '../store/checkpoint.js';
import { assignParams, readParams } from '../store/weights-file.js';
import { TensorFileError } from '../store/tensor-file.js';
import { RunFolderError } from '../store/run-folder.js';
import { armsWaitingFor } from '../reuse/shared-prefix.js';
import { findCachedPrefix } from '../reuse/cached-prefix.js';
import type { LossHistory } from '../reuse/state-cache.js';
import type { ArmContext } from './context.js';
import type { ArmOutcome } from './runner.js';
import { stepStartEvent } from './step-events.js';

/** A network and optimiser positioned before step `step` (epoch `epochsDone + 1` of it). */
export interface ArmState {
  net: Network;
  optimizer: Optimizer;
  step: number;
  epochsDone: number;
  /** Evaluations behind this state (from the checkpoint or the prefix). */
  evals: EvalRecord[];
  /** Training losses behind this state, carried into checkpoints, prefixes and cache entries. */
  history: LossHistory;
  /** Inside a `train N select` step: its best epoch so far and that epoch's parameters (kept in checkpoints, for --resume). */
  kept?: KeptEpoch;
}

export type StartState = { kind: 'finished'; outcome: ArmOutcome; evals: EvalRecord[] } | ({ kind: 'run' } & ArmState);

function loadCheckpoint(ctx: ArmContext, arm: string, seed: number): Checkpoint | null {
  if (!ctx.resume) return null;
  const file = ctx.folder.checkpointFile(arm, seed);
  try {
    return readCheckpoint(file);
  } catch (err) {
    if (err instanceof TensorFileError) throw new RunFolderError({ kind: 'damaged-checkpoint', file, reason: err.reason, arm, seed });
    throw err;
  }
}

/** Writes the arm's checkpoint at its current position. */
export function writeArmCheckpoint(ctx: ArmContext, arm: ArmSpec, seed: number, s: ArmState, status: string): void {
  const meta = { planHash: ctx.plan.hash, arm: arm.name, seed, nextStep: s.step, epochsDone: s.epochsDone, status, evals: s.evals, history: s.history };
  writeCheckpoint(ctx.folder.checkpointFile(arm.name, seed), meta, s.net, s.optimizer, s.epochsDone > 0 ? s.kept : undefined);
}

/** Hands the state after `s.step` steps to the later arms of this run that start from it. */
export function handOverPrefix(ctx: ArmContext, arm: ArmSpec, seed: number, s: ArmState): void {
  for (const later of ctx.reuse ? armsWaitingFor(ctx.plan, arm, s.step) : []) {
    ctx.prefixes.put(seed, later.name, { steps: s.step, params: readParams(s.net), optimizer: s.optimizer.save(), evals: [...s.evals], history: { ...s.history } });
  }
}

/**
 * Adds the heads of the arm's `head` steps before step `steps` that the network lacks, so that a
 * stored state (checkpoint, prefix, cache entry) taken after them has parameters to go into.
 */
function addHeadsBefore(net: Network, arm: ArmSpec, steps: number, seed: number): void {
  for (const step of arm.steps.slice(0, steps)) {
    if (step.kind === 'head' && !net.heads.some((h) => h.name === step.name)) addHead(net, { name: step.name, layers: step.layers, params: step.params }, seed);
  }
}

function reusedSteps(ctx: ArmContext, arm: ArmSpec, seed: number, from: number, to: number, history: LossHistory | undefined): void {
  for (let i = from; i < to; i++) {
    const step = arm.steps[i];
    ctx.emit(stepStartEvent(arm.name, seed, i, step));
    const losses = step.kind === 'train' && step.stateKey !== '' ? history?.[step.stateKey] : undefined;
    const end: RunEvent = { type: 'step-end', arm: arm.name, seed, step: i, seconds: 0, status: 'reused', ...(losses ? { losses } : {}) };
    ctx.emit(end);
  }
}

/** Finds where the arm starts for this seed and emits `arm-start` (and the reused steps). */
export function findStartState(ctx: ArmContext, arm: ArmSpec, seed: number): StartState {
  const { emit } = ctx;
  const ckpt = loadCheckpoint(ctx, arm.name, seed);
  if (ckpt && ckpt.meta.status !== 'running') {
    // Finished before the interruption: its numbers are in the checkpoint.
    emit({ type: 'arm-start', arm: arm.name, seed });
    const done = ckpt.meta.status === 'done';
    emit({ type: 'arm-end', arm: arm.name, seed, status: done ? 'done' : 'diverged', message: done ? undefined : ckpt.meta.status });
    return { kind: 'finished', outcome: done ? { kind: 'done' } : { kind: 'diverged', message: ckpt.meta.status }, evals: ckpt.meta.evals };
  }
  const s: ArmState = { net: createNetwork(ctx.plan.model, seed), optimizer: new Optimizer(ctx.plan.optimizer), step: 0, epochsDone: 0, evals: [], history: {} };
  try {
    // 1. The checkpoint of an interrupted arm.
    if (ckpt) {
      addHeadsBefore(s.net, arm, ckpt.meta.nextStep, seed);
      restoreCheckpoint(ckpt, s.net, s.optimizer, ctx.folder.checkpointFile(arm.name, seed));
      Object.assign(s, { step: ckpt.meta.nextStep, epochsDone: ckpt.meta.epochsDone, evals: [...ckpt.meta.evals], history: { ...ckpt.meta.history } });
      if (ckpt.kept && ckpt.meta.epochsDone > 0) s.kept = ckpt.kept;
    }
    // 2. The state an earlier arm handed over after the shared prefix.
    const prefix = ckpt || !ctx.reuse ? null : ctx.prefixes.take(seed, arm.name);
    if (prefix) {
      addHeadsBefore(s.net, arm, prefix.steps, seed);
      assignParams(s.net, prefix.params, `the shared prefix of arm ${arm.name}`);
      s.optimizer.restore(prefix.optimizer);
      Object.assign(s.history, prefix.history);
      s.step = prefix.steps;
    }
    emit({ type: 'arm-start', arm: arm.name, seed });
    if (prefix) {
      reusedSteps(ctx, arm, seed, 0, prefix.steps, prefix.history);
      for (const record of prefix.evals) {
        const copy = { ...record, arm: arm.name };
        ctx.folder.copyPredictions(record, arm.name);
        s.evals.push(copy);
        emit({ type: 'eval-result', ...copy });
      }
      writeArmCheckpoint(ctx, arm, seed, s, s.step === arm.steps.length ? 'done' : 'running');
    }
    // 3. A state stored by an earlier run, continuing from there.
    const warn = (message: string) => emit({ type: 'warning', message, arm: arm.name, seed });
    const cache = ctx.stateCache;
    let cached = ckpt || !cache ? null : findCachedPrefix(cache, arm, seed, s.step, (k) => ctx.reuse && armsWaitingFor(ctx.plan, arm, k).length > 0, warn);
    if (cached) {
      const heads = s.net.heads.length;
      try {
        addHeadsBefore(s.net, arm, cached.steps, seed);
        assignParams(s.net, cached.state.params, `a cache entry in ${cache!.dir}`); // checks every name and shape before assigning
      } catch (err) {
        if (!(err instanceof TensorFileError)) throw err;
        keepHeads(s.net, heads); // the head steps after s.step run again
        warn(`ignored ${err.file}: it ${err.reason}; recomputing instead`);
        cached = null;
      }
    }
    if (cached) {
      s.optimizer.restore(cached.state.optimizer);
      Object.assign(s.history, cached.state.history);
      reusedSteps(ctx, arm, seed, s.step, cached.steps, cached.state.history);
      s.step = cached.steps;
      writeArmCheckpoint(ctx, arm, seed, s, s.step === arm.steps.length ? 'done' : 'running');
      handOverPrefix(ctx, arm, seed, s);
    }
    return { kind: 'run', ...s };
  } catch (err) {
    disposeNetwork(s.net);
    s.optimizer.dispose();
    throw err;
  }
}
