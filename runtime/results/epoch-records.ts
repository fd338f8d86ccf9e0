// The labels of the records a train step's epoch scoring writes into results.json (see
// runtime/run/epoch-scoring.ts). They contain `@`, which no written label can, so they never
// collide with the evals' own labels; the number is the epoch counted from the arm's start.
import type { EvalRecord } from '../results.js';

/** The test-set name of validation-split records. */
export const VALIDATION_SET = 'validation';

/** A record of the network after epoch `epoch`: `@epoch-12`. */
export function epochLabel(epoch: number): string {
  return `@epoch-${epoch}`;
}

/**
 * A record of the validation-selected epoch's network, named after its train step as `mfx plan`
 * numbers steps (`@selected-step-6`), so that the label is the same for every seed whichever
 * epoch each selected (the record's `epoch` says which).
 */
export function selectedLabel(stepIndex: number): string {
  return `@selected-step-${stepIndex + 1}`;
}

/** Records of epoch scoring (per epoch or selected), as opposed to those of `eval` steps. */
export function isEpochRecord(e: EvalRecord): boolean {
  return e.epoch !== undefined;
}
