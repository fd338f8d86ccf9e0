// Phase 6, baselines: which result each arm's Delta columns compare against. In order: the arm
// named by `baseline NAME`, else an arm called `baseline`, else the arm's own pretrained
// snapshot, else nothing. The baseline arm itself compares against nothing.
import type { Diagnostic, Name } from '../grammar/index.js';
import { didYouMean, makeDiagnostic } from '../grammar/index.js';
import { SemanticDiagnostics as D } from './diagnostics.js';
import type { BaselineRef, StepSpec } from './plan.js';

interface ArmForBaseline {
  name: string;
  steps: StepSpec[];
  reportLabel: string | null;
}

export function resolveBaselines(arms: ArmForBaseline[], named: Name | null, diagnostics: Diagnostic[]): (BaselineRef | null)[] {
  let shared: BaselineRef | null = null;
  if (named) {
    const arm = arms.find((a) => a.name === named.text);
    if (!arm) {
      const names = arms.map((a) => a.name);
      diagnostics.push(makeDiagnostic(D.unknownBaseline, named.span, [named.text], { hint: didYouMean(named.text, names) ?? `arms: ${names.join(', ')}` }));
    } else if (arm.reportLabel === null) {
      diagnostics.push(makeDiagnostic(D.baselineNeverEvaluates, named.span, [named.text], { hint: `add an \`eval\` to arm \`${named.text}\`, or after the arms` }));
    } else {
      shared = { arm: arm.name, label: arm.reportLabel, reason: 'named' };
    }
  } else {
    const arm = arms.find((a) => a.name === 'baseline');
    if (arm && arm.reportLabel !== null) shared = { arm: arm.name, label: arm.reportLabel, reason: 'baseline-arm' };
  }
  return arms.map((arm) => {
    if (shared) return shared.arm === arm.name ? null : shared;
    const snapshot = arm.steps.find((s) => s.kind === 'eval' && s.snapshot);
    return snapshot && snapshot.kind === 'eval' ? { arm: arm.name, label: snapshot.label, reason: 'snapshot' } : null;
  });
}
