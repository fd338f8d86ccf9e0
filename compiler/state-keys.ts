// Phase 5, state keys and shared prefixes. A step's key hashes everything that determines the
// network state after it: the setup (dataset, model, optimiser, batch) and every state-changing
// step so far. Evals and saves change nothing, so they carry the key of the state they observe;
// source positions and the `pretrain` flag are not part of the computation, so they are left out.
import { canonicalJson } from './canonical-json.js';
import { sha256Hex } from './plan-hash.js';
import type { DatasetSpec, ModelSpec, OptimizerSpec, StepSpec } from './plan.js';
import type { DraftStep } from './schedule.js';

/** The key of the untrained network: computed once per plan, the root of every arm's chain. */
export function setupKey(setup: { dataset: DatasetSpec; model: ModelSpec; optimizer: OptimizerSpec; batch: number }): string {
  return sha256Hex(canonicalJson(setup));
}

export function attachStateKeys(rootKey: string, steps: DraftStep[]): StepSpec[] {
  let key = rootKey;
  return steps.map((step) => {
    if (step.kind !== 'eval' && step.kind !== 'save') {
      const { source: _source, ...content } = step;
      const computation = content.kind === 'train' ? { ...content, pretrain: undefined } : content;
      key = sha256Hex(`${key}\n${canonicalJson(computation)}`);
    }
    return { ...step, stateKey: key } as StepSpec;
  });
}

/** The leading steps identical (same computation, same state) to those of some earlier arm. */
export function sharedPrefixLength(steps: StepSpec[], earlier: StepSpec[][]): number {
  const fingerprint = (s: StepSpec) => {
    const { source: _source, ...rest } = s;
    return canonicalJson(rest.kind === 'train' ? { ...rest, pretrain: undefined } : rest);
  };
  let best = 0;
  for (const other of earlier) {
    let n = 0;
    while (n < steps.length && n < other.length && fingerprint(steps[n]) === fingerprint(other[n])) n++;
    best = Math.max(best, n);
  }
  return best;
}
