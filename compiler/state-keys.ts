// Phase 5, state keys and shared prefixes. A step's key hashes everything that determines the
// network state after it: the setup (dataset, model, optimiser, batch, shards) and every state-changing
// step so far. Evals and saves change nothing, so they carry the key of the state they observe;
// source positions and the `pretrain` flag are not part of the computation, so they are left out.
import { canonicalJson } from './canonical-json.js';
import { sha256Hex } from './plan-hash.js';
import type { DatasetSpec, ModelSpec, OptimizerSpec, StepSpec } from './plan.js';
import type { DraftStep } from './schedule.js';

/** The key of the untrained network: computed once per plan, the root of every arm's chain. */
export function setupKey(setup: { dataset: DatasetSpec; model: ModelSpec; optimizer: OptimizerSpec; batch: number; shards: number }): string {
  // One shard is how every batch was computed before `shards` existed: those keys stay as they were.
  const { shards, ...rest } = setup;
  return sha256Hex(canonicalJson(shards === 1 ? rest : setup));
}

export function attachStateKeys(rootKey: string, steps: DraftStep[]): StepSpec[] {
  let key = rootKey;
  return steps.map((step) => {
    if (step.kind !== 'eval' && step.kind !== 'save') {
      const { source: _source, ...content } = step;
      // `order` tells states of `train N alternate` apart from those computed before its order was
      // turned round (own features first since issue 18), so no cache serves the old ones for it.
      const computation = content.kind === 'train' ? { ...content, pretrain: undefined, ...(content.alternate ? { order: 'own-first' } : {}) } : content;
      key = sha256Hex(`${key}\n${canonicalJson(computation)}`);
    }
    return { ...step, stateKey: key } as StepSpec;
  });
}

/**
 * For each arm, how many leading steps are identical (same computation in the same state) to
 * the leading steps of some earlier arm. Each prefix gets a chained fingerprint, so this is
 * linear in the number of steps rather than quadratic in the number of arms.
 */
export function sharedPrefixLengths(arms: StepSpec[][]): number[] {
  const seen = new Set<string>();
  return arms.map((steps) => {
    let chain = '';
    let shared = 0;
    let stillShared = true;
    const chains: string[] = [];
    for (const step of steps) {
      chain = sha256Hex(`${chain}\n${fingerprint(step)}`);
      chains.push(chain);
      if (stillShared && seen.has(chain)) shared++;
      else stillShared = false;
    }
    for (const c of chains) seen.add(c);
    return shared;
  });
}

/**
 * What a step computes: everything but its source position and the `pretrain` flag. A
 * state-changing step's stateKey already hashes exactly that (after the same earlier steps),
 * so it stands for the step: no second serialisation of its parameter lists (a sweep of 1,000
 * arms has over 10,000 such steps).
 */
function fingerprint(step: StepSpec): string {
  if (step.kind !== 'eval' && step.kind !== 'save') return `${step.kind}\n${step.stateKey}`;
  const { source: _source, ...rest } = step;
  return canonicalJson(rest);
}
