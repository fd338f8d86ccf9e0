// One-line descriptions of Plan steps for people (step-start events, the live UI, `mfx plan`-like outlines).
import type { ArmSpec, FeatureTransform, StepSpec } from '../compiler/plan.js';
import type { ArmOutline } from './events.js';

/** Groups parameter names by layer: `conv1, conv2.weight` instead of every name. */
export function describeParams(names: string[]): string {
  const byLayer = new Map<string, string[]>();
  for (const n of names) {
    const dot = n.lastIndexOf('.');
    const layer = dot < 0 ? n : n.slice(0, dot);
    const role = dot < 0 ? '' : n.slice(dot + 1);
    byLayer.set(layer, [...(byLayer.get(layer) ?? []), role]);
  }
  const parts: string[] = [];
  for (const [layer, roles] of byLayer) parts.push(roles.length >= 2 ? layer : `${layer}.${roles[0]}`);
  return parts.join(', ');
}

function featureText(f: FeatureTransform): string {
  return f.kind === 'inverted' ? `inverted ${f.activation}` : 'own features';
}

/** e.g. `train 20 (fc1, fc2; inverted relu6)`, `freeze conv1, conv2`, `eval pmnist.* as final`. */
export function describeStep(step: StepSpec): string {
  switch (step.kind) {
    case 'train': {
      const head = `${step.pretrain ? 'pretrain' : 'train'} ${step.epochs}${step.alternate ? ' alternate' : ''}`;
      const feature = step.alternate ? `alternating ${featureText(step.feature)}` : featureText(step.feature);
      return `${head} (${step.frozen.length === 0 ? 'all' : describeParams(step.trainable)}; ${feature})`;
    }
    case 'freeze':
    case 'unfreeze':
    case 'reset':
      return `${step.kind} ${describeParams(step.params)}`;
    case 'invert':
      return step.feature.kind === 'inverted' ? `invert ${step.feature.activation}` : 'invert off';
    case 'lr':
      return step.params ? `lr ${step.lr} for ${describeParams(step.params)}` : `lr ${step.lr}`;
    case 'eval':
      return `eval ${step.testSets.join(', ')} as ${step.label}${step.feature.kind === 'inverted' ? ` (${featureText(step.feature)})` : ''}`;
    case 'save':
      return `save "${step.path}"`;
    case 'load':
      return `load "${step.path}"`;
  }
}

/** The arm as a list of step outlines (run-start event). */
export function outlineArm(arm: ArmSpec): ArmOutline {
  return {
    name: arm.name,
    steps: arm.steps.map((s, index) => ({ index, kind: s.kind, text: describeStep(s), epochs: s.kind === 'train' ? s.epochs : 0 })),
  };
}
