// The `step-start` event of a step, shared by computed and reused steps.
import type { StepSpec } from '../../compiler/plan.js';
import type { RunEvent } from '../events.js';
import { invertedActivation, invertedInView } from '../model/feature-transform.js';
import { describeStep } from '../results/step-text.js';

export function stepStartEvent(arm: string, seed: number, index: number, step: StepSpec): RunEvent {
  return {
    type: 'step-start',
    arm,
    seed,
    step: index,
    kind: step.kind,
    text: describeStep(step),
    frozen: step.kind === 'train' ? step.frozen : [],
    inverted: step.kind === 'train' || step.kind === 'eval' ? invertedInView(step) : step.kind === 'invert' ? invertedActivation(step.feature) : null,
    epochs: step.kind === 'train' ? step.epochs : 0,
  };
}
