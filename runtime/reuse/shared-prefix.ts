// Shared prefixes: when arms start with identical steps (same computation, Plan's
// `sharedPrefix`), the first arm's state at the end of the prefix is handed to the later ones
// instead of being recomputed. Shuffling, dropout and resets are derived from (seed, step index,
// epoch), so the handed-over state is exactly what the later arm would have computed.
import type { ArmSpec, Plan, StepSpec } from '../../compiler/plan.js';
import type { EvalRecord } from '../results.js';
import type { NamedArray } from '../store/tensor-file.js';
import type { SavedSlot } from '../training/optimizer.js';
import type { LossHistory } from './state-cache.js';

/** The network, optimiser and evaluations at the end of a shared prefix. */
export interface PrefixState {
  /** Number of steps it covers. */
  steps: number;
  params: NamedArray[];
  optimizer: Record<string, SavedSlot>;
  /** Evaluations made within the prefix, still labelled with the arm that made them. */
  evals: EvalRecord[];
  /** Training losses of the prefix's train steps (see LossHistory). */
  history?: LossHistory;
}

// What makes two steps the same computation: everything but where they were written and the
// `pretrain` flag (which only marks the snapshot), as in the compiler's shared-prefix pass.
function fingerprint(step: StepSpec): string {
  const { source: _source, ...rest } = step;
  return JSON.stringify(rest.kind === 'train' ? { ...rest, pretrain: false } : rest);
}

function samePrefix(a: ArmSpec, b: ArmSpec, length: number): boolean {
  if (a.steps.length < length || b.steps.length < length) return false;
  for (let i = 0; i < length; i++) if (fingerprint(a.steps[i]) !== fingerprint(b.steps[i])) return false;
  return true;
}

/** Later arms that can start from `source`'s state after `stepsDone` steps. */
export function armsWaitingFor(plan: Plan, source: ArmSpec, stepsDone: number): ArmSpec[] {
  const at = plan.arms.indexOf(source);
  return plan.arms.filter((b, i) => i > at && b.sharedPrefix === stepsDone && stepsDone > 0 && samePrefix(source, b, stepsDone));
}

/** Holds prefix states per (seed, arm) until that arm starts. */
export class PrefixStore {
  private readonly states = new Map<string, PrefixState>();

  put(seed: number, arm: string, state: PrefixState): void {
    this.states.set(`${seed}\u0000${arm}`, state);
  }

  /** The state handed to this arm for this seed, removed from the store. */
  take(seed: number, arm: string): PrefixState | null {
    const key = `${seed}\u0000${arm}`;
    const state = this.states.get(key) ?? null;
    this.states.delete(key);
    return state;
  }
}
