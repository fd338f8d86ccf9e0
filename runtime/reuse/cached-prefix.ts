// Which leading steps of an arm the cross-run state cache (state-cache.ts) can stand in for.
// States are stored after the steps that change weights or optimiser state (train, reset). An
// arm restarts from the latest stored one provided nothing before it observes an intermediate
// state that the cache does not hold: evaluations and saves in the skipped range would need the
// network as it was then, and `load` reads a file whose content the stateKey does not cover.
import type { ArmSpec, StepSpec } from '../../compiler/plan.js';
import { scoresEpochs } from '../run/epoch-scoring.js';
import { CacheEntryError, type CachedState, type StateCache } from './state-cache.js';

/** Steps after which the cache stores the state. */
export function storesState(step: StepSpec): boolean {
  return (step.kind === 'train' || step.kind === 'reset') && step.stateKey !== '';
}

/** Whether the state after step `index` may be stored: its whole history is described by stateKeys. */
export function cacheableAt(arm: ArmSpec, index: number): boolean {
  return storesState(arm.steps[index]) && !arm.steps.slice(0, index + 1).some((s) => s.kind === 'load');
}

/** A stored state standing in for steps `from` .. `steps - 1`. */
export interface CachedPrefix {
  steps: number;
  state: CachedState;
}

/**
 * The longest run of steps from `from` that a stored state replaces, or null. Unusable entries
 * are reported through `warn` and skipped (an earlier stored state may still serve).
 */
export function findCachedPrefix(
  cache: StateCache,
  arm: ArmSpec,
  seed: number,
  from: number,
  /** Whether a later arm of this run takes over this arm's state after `steps` steps (it must be computed, not skipped). */
  handsOffAfter: (steps: number) => boolean,
  warn: (message: string) => void,
): CachedPrefix | null {
  if (arm.steps.slice(0, from).some((s) => s.kind === 'load')) return null;
  const candidates: number[] = [];
  for (let i = from; i < arm.steps.length; i++) {
    const step = arm.steps[i];
    if (step.kind === 'eval' || step.kind === 'save' || step.kind === 'load' || step.stateKey === '') break;
    // A train step that scores its epochs writes records the cache does not hold: it must run.
    if (scoresEpochs(step)) break;
    if (storesState(step)) candidates.push(i);
    if (handsOffAfter(i + 1)) break; // the state after step i is needed: a later candidate would skip it
  }
  for (const j of candidates.reverse()) {
    const key = arm.steps[j].stateKey;
    if (!cache.has(key, seed)) continue;
    try {
      const state = cache.get(key, seed);
      if (state) return { steps: j + 1, state };
    } catch (err) {
      if (!(err instanceof CacheEntryError)) throw err;
      warn(`ignored the cache entry ${err.file}: it ${err.reason}; recomputing instead`);
    }
  }
  return null;
}
