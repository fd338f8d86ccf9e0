// The bounds mfx puts on a program, checked by the compiler so that no input can make a later
// phase allocate without end: a `repeat 1e9` is a diagnostic, not a seed list of a billion
// entries. Each bound is far above what an experiment on 28x28 images needs, and is documented
// in docs/language.md (## Limits). The arm bound is checked twice with one diagnostic
// (MFX2074): by compiler/sweeps.ts on the count a grid would expand to, before expanding it,
// and by `checkArmCount` on the arms actually written.
import type { Diagnostic, Span } from '../grammar/index.js';
import { makeDiagnostic } from '../grammar/index.js';
import { SemanticDiagnostics as D } from './diagnostics.js';
import type { ModelSpec } from './plan.js';

export const LIMITS = {
  /** `repeat N`: seeds per arm. */
  repeat: 1_000,
  /** `train N` / `pretrain N`: epochs of one step. */
  epochs: 10_000,
  /** `batch N`: MNIST's whole training set; the memory bound usually stops a batch far earlier. */
  batch: 60_000,
  /** `shards N`: far more than any machine's threads; each shard has a gradient slot in shared memory. */
  shards: 1_024,
  /** `conv N ...` filters and `dense N` units. */
  width: 65_536,
  /** Arms in one file, after sweep expansion (compiler/sweeps.ts counts before expanding). */
  arms: 1_000,
  /** `head NAME` steps in one arm: heads besides `main`. */
  heads: 16,
  /** Estimated bytes to train or evaluate the model (weights, gradients, optimizer state, activations). */
  memoryBytes: 2 * 1024 ** 3,
} as const;

/** Images per evaluation batch in the runtime (runtime/evaluate.ts EVAL_BATCH). */
const EVAL_BATCH = 1000;
const FLOAT_BYTES = 4;

export const LIMITS_HINT = 'see "Limits" in docs/language.md';

/** Reports more than LIMITS.arms arms, at the first arm over the bound; true when within it. */
export function checkArmCount(count: number, firstOver: Pick<Span, 'offset' | 'length'> | null, diagnostics: Diagnostic[]): boolean {
  if (count <= LIMITS.arms) return true;
  diagnostics.push(
    makeDiagnostic(D.tooManyArms, firstOver ?? { offset: 0, length: 0 }, [count.toLocaleString('en-US'), LIMITS.arms.toLocaleString('en-US')], {
      hint: `split the experiment into several files; ${LIMITS_HINT}`,
    }),
  );
  return false;
}

/**
 * Bytes a training step at `batch` (or an evaluation batch) needs, roughly: weights, gradients
 * and two optimizer moments per parameter, and each layer's output kept for the backward pass
 * together with its gradient. A rough guide, deliberately on the generous side of the backends.
 */
export function estimateMemoryBytes(model: ModelSpec, batch: number): number {
  const activations = model.layers.reduce((a, l) => a + l.outShape.reduce((x, y) => x * y, 1), model.inputShape.reduce((x, y) => x * y, 1));
  const training = 4 * model.totalParams + 2 * batch * activations;
  const evaluation = model.totalParams + EVAL_BATCH * activations;
  return FLOAT_BYTES * Math.max(training, evaluation);
}

/** Reports a model that cannot fit the memory a backend gives; true when it fits. */
export function checkModelMemory(model: ModelSpec, batch: number, at: Span | null, diagnostics: Diagnostic[]): boolean {
  const bytes = estimateMemoryBytes(model, batch);
  if (bytes <= LIMITS.memoryBytes) return true;
  const gib = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GiB`;
  diagnostics.push(
    makeDiagnostic(D.modelTooLarge, at ?? { offset: 0, length: 0 }, [model.totalParams.toLocaleString('en-US'), gib(bytes), gib(LIMITS.memoryBytes)], {
      hint: `use fewer filters or units, more pooling, or a smaller \`batch\`; ${LIMITS_HINT}`,
    }),
  );
  return false;
}
