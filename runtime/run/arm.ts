// Runs (or continues) one arm for one seed: find its starting state (start-state.ts), then run
// its steps with the runner of each kind (steps.ts), keeping the checkpoint, weights, the
// cross-run cache and the prefixes for later arms up to date after every step.
import type { ArmSpec } from '../../compiler/plan.js';
import type { EvalRecord } from '../results.js';
import { disposeNetwork, type Network } from '../model/network.js';
import type { Optimizer } from '../training/optimizer.js';
import { readParams, saveWeights } from '../store/weights-file.js';
import { cacheableAt } from '../reuse/cached-prefix.js';
import type { LossHistory } from '../reuse/state-cache.js';
import type { ArmContext } from './context.js';
import type { ArmOutcome } from './runner.js';
import { findStartState, handOverPrefix, writeArmCheckpoint } from './start-state.js';
import { stepStartEvent } from './step-events.js';
import { runStep } from './steps.js';

export async function runArm(ctx: ArmContext, arm: ArmSpec, seed: number): Promise<{ outcome: ArmOutcome; armEvals: EvalRecord[] }> {
  const { emit, now } = ctx;
  const start = findStartState(ctx, arm, seed);
  if (start.kind === 'finished') return { outcome: start.outcome, armEvals: start.evals };
  const state = start;
  const warn = (message: string) => emit({ type: 'warning', message, arm: arm.name, seed });
  const end = (outcome: ArmOutcome) => {
    emit({ type: 'arm-end', arm: arm.name, seed, status: outcome.kind, ...(outcome.kind === 'diverged' ? { message: outcome.message } : {}) });
    return { outcome, armEvals: state.evals };
  };
  try {
    for (let i = state.step; i < arm.steps.length; i++) {
      if (ctx.signal?.aborted) return end({ kind: 'stopped' });
      const step = arm.steps[i];
      const stepStart = now();
      emit(stepStartEvent(arm.name, seed, i, step));
      const outcome = await runStep(step, { ctx, arm, seed, index: i, state, warn });
      if (outcome.kind !== 'done') {
        emit({ type: 'step-end', arm: arm.name, seed, step: i, seconds: (now() - stepStart) / 1000, status: outcome.kind });
        return end(outcome);
      }
      if (outcome.changesWeights) saveWeights(state.net, ctx.folder.weightsFile(arm.name, seed, i, step.kind), { arm: arm.name, seed, step: i });
      state.step = i + 1;
      state.epochsDone = 0;
      writeArmCheckpoint(ctx, arm, seed, state, i === arm.steps.length - 1 ? 'done' : 'running');
      if (ctx.stateCache && cacheableAt(arm, i)) storeState(ctx, arm.name, seed, step.stateKey, state.net, state.optimizer, state.history);
      handOverPrefix(ctx, arm, seed, state);
      emit({ type: 'step-end', arm: arm.name, seed, step: i, seconds: (now() - stepStart) / 1000, status: 'done' });
    }
    if (arm.steps.length === 0) writeArmCheckpoint(ctx, arm, seed, state, 'done');
    return end({ kind: 'done' });
  } finally {
    disposeNetwork(state.net);
    state.optimizer.dispose();
  }
}

/** Puts the state after a step into the cross-run cache; a failed write turns the cache off for the run, with a warning. */
function storeState(ctx: ArmContext, arm: string, seed: number, stateKey: string, net: Network, optimizer: Optimizer, history: LossHistory): void {
  const cache = ctx.stateCache;
  if (!cache || cache.has(stateKey, seed)) return;
  try {
    cache.put(stateKey, seed, { params: readParams(net), optimizer: optimizer.save(), history: { ...history } });
  } catch (err) {
    ctx.stateCache = null;
    ctx.emit({ type: 'warning', message: `cannot write to the cache folder ${cache.dir} (${(err as Error).message.split('\n')[0]}); this run continues without the cache`, arm, seed });
  }
}
