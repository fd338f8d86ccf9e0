// The one place that describes things for people: Plan steps (step-start events, the live UI,
// `mfx plan`), parameter lists grouped by layer, and the data subset of a run.
import type { ArmSpec, FeatureTransform, HeadExpr, HeadFeatures, StepSpec } from '../../compiler/plan.js';
import type { ArmOutline, Subset } from '../events.js';

/** Collapses `<layer>.weight` + `<layer>.bias` into `<layer>`, keeping first-seen layer order. */
export function groupParams(params: readonly string[]): string[] {
  const roles = new Map<string, Set<string>>();
  for (const name of params) {
    const dot = name.lastIndexOf('.');
    const layer = dot < 0 ? name : name.slice(0, dot);
    const role = dot < 0 ? '' : name.slice(dot + 1);
    if (!roles.has(layer)) roles.set(layer, new Set());
    roles.get(layer)!.add(role);
  }
  const out: string[] = [];
  for (const [layer, set] of roles) {
    if (set.has('') || (set.has('weight') && set.has('bias') && set.size === 2)) out.push(layer);
    else for (const role of set) out.push(`${layer}.${role}`);
  }
  return out;
}

/** Parameter names grouped by layer: `conv1, conv2.weight` instead of every name. */
export function describeParams(names: readonly string[]): string {
  return groupParams(names).join(', ');
}

/** `first 256 training images, all test images`: the data a run used. */
export function subsetText(subset: Subset): string {
  const train = subset.train === null ? 'all training images' : `first ${subset.train} training images`;
  const test = subset.test === null ? 'all test images' : `first ${subset.test} test images per set`;
  return `${train}, ${test}`;
}

/** The warning a run on part of the data carries, or null for a full run. */
export function subsetNotice(subset: Subset): string | null {
  if (subset.train === null && subset.test === null) return null;
  return `subset: ${subsetText(subset)} (quick look, not a full run)`;
}

function featureText(f: FeatureTransform): string {
  return f.kind === 'inverted' ? `inverted ${f.activation}` : 'own features';
}

/**
 * Once an arm has several heads: the heads a step sums with the features each reads,
 * `main: own features + missing: inverted relu`; null while only main exists.
 */
function headsText(step: { on?: HeadExpr; heads?: HeadFeatures }): string | null {
  if (!step.heads && !step.on) return null;
  return (step.on ?? ['main']).map((h) => `${h}: ${featureText(step.heads?.[h] ?? { kind: 'model' })}`).join(' + ');
}

/** ` on main + missing`, or nothing for the main head alone. */
function onText(on: HeadExpr | undefined): string {
  return on ? ` on ${on.join(' + ')}` : '';
}

/**
 * e.g. `train 20 (fc1, fc2; inverted relu6)`, `freeze conv1, conv2`, `eval pmnist.* as final`,
 * `train 10 on missing (missing.fc1, missing.fc2; missing: inverted relu)`.
 */
export function describeStep(step: StepSpec): string {
  switch (step.kind) {
    case 'train': {
      const head = `${step.pretrain ? 'pretrain' : 'train'} ${step.epochs}${step.alternate ? ' alternate' : ''}${step.select ? ' select' : ''}${onText(step.on)}`;
      const feature = headsText(step) ?? (step.alternate ? `alternating own features / ${featureText(step.feature)}` : featureText(step.feature));
      return `${head} (${step.frozen.length === 0 ? 'all' : describeParams(step.trainable)}; ${feature})`;
    }
    case 'freeze':
    case 'unfreeze':
    case 'reset':
      return `${step.kind} ${describeParams(step.params)}`;
    case 'invert':
      return `${step.feature.kind === 'inverted' ? `invert ${step.feature.activation}` : 'invert off'}${step.heads ? ` on ${step.heads.join(', ')}` : ''}`;
    case 'lr':
      return step.params ? `lr ${step.lr} for ${describeParams(step.params)}` : `lr ${step.lr}`;
    case 'eval': {
      const every = step.everyEpoch ? ' every epoch' : '';
      const heads = headsText(step);
      if (heads) return `eval ${step.testSets.join(', ')}${every} as ${step.label}${onText(step.on)} (${heads})`;
      return `eval ${step.testSets.join(', ')}${every} as ${step.label}${step.feature.kind === 'inverted' ? ` (${featureText(step.feature)})` : ''}`;
    }
    case 'head':
      return `head ${step.name} (${describeParams(step.params.map((p) => p.name))}, fresh)`;
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
