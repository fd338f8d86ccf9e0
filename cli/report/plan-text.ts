// One-line descriptions of Plan parts in the language's own words, used to say how two
// plans differ. Parameter lists are folded back to layers (`conv1.weight, conv1.bias` →
// `conv1`) and test-set lists to globs (the five PMNIST sets → `pmnist.*`), so a difference
// reads like the line a user would have changed.
import type { DatasetSpec, FeatureTransform, HeadExpr, LayerSpec, ModelSpec, OptimizerSpec, StepSpec } from '../../compiler/plan.js';
import { groupParams } from '../../runtime/results/step-text.js';
import { OCCLUSIONS } from '../../compiler/test-sets.js';

export function paramsText(params: string[], model: ModelSpec): string {
  const chosen = new Set(params);
  const out: string[] = [];
  const layers = [...new Set(model.params.map((p) => p.layer))];
  for (const layer of layers) {
    const own = model.params.filter((p) => p.layer === layer).map((p) => p.name);
    const picked = own.filter((p) => chosen.has(p));
    if (picked.length === 0) continue;
    if (picked.length === own.length) out.push(layer);
    else out.push(...picked);
    picked.forEach((p) => chosen.delete(p));
  }
  // Names the model does not know (a head's `missing.fc1.weight`) are folded by their layer too.
  return [...out, ...groupParams([...chosen])].join(', ');
}

/** ` on main + missing`, or nothing for the main head alone. */
function onText(on: HeadExpr | undefined): string {
  return on ? ` on ${on.join(' + ')}` : '';
}

export function testSetsText(testSets: string[]): string {
  const out: string[] = [];
  const rest = [...testSets];
  const families = [...new Set(testSets.map((t) => t.split('.')[0]))];
  for (const family of families) {
    const all = OCCLUSIONS.map((o) => `${family}.${o}`);
    if (all.every((t) => rest.includes(t))) {
      out.push(`${family}.*`);
      for (const t of all) rest.splice(rest.indexOf(t), 1);
    }
  }
  return [...out, ...rest].join(', ');
}

export function featureText(f: FeatureTransform): string {
  return f.kind === 'model' ? 'off' : f.activation;
}

export function stepText(step: StepSpec, model: ModelSpec): string {
  switch (step.kind) {
    case 'train':
      return step.pretrain ? `pretrain ${step.epochs}` : `train ${step.epochs}${step.alternate ? ' alternate' : ''}${onText(step.on)}`;
    case 'freeze':
    case 'unfreeze':
    case 'reset':
      return `${step.kind} ${paramsText(step.params, model)}`;
    case 'invert':
      return `invert ${featureText(step.feature)}${step.heads ? ` on ${step.heads.join(', ')}` : ''}`;
    case 'lr':
      return step.params ? `lr ${step.lr} for ${paramsText(step.params, model)}` : `lr ${step.lr}`;
    case 'eval':
      return `eval ${testSetsText(step.testSets)}${step.label === 'final' ? '' : ` as ${step.label}`}${onText(step.on)}`;
    case 'head':
      return `head ${step.name}`;
    case 'save':
      return `save "${step.path}"`;
    case 'load':
      return `load "${step.path}"`;
  }
}

export function layerText(layer: LayerSpec): string {
  switch (layer.kind) {
    case 'conv':
      return `${layer.name}: conv ${layer.filters} ${layer.kernel[0]}x${layer.kernel[1]}${layer.stride !== 1 ? ` stride ${layer.stride}` : ''}${layer.padding === 'same' ? ' same' : ''}`;
    case 'dense':
      return `${layer.name}: dense ${layer.units}`;
    case 'pool':
      return `pool ${layer.size}`;
    case 'activation':
      return layer.activation;
    case 'dropout':
    case 'dropout2d':
      return `${layer.kind} ${layer.rate}`;
    case 'flatten':
      return 'flatten';
  }
}

export function datasetText(d: DatasetSpec): string {
  return d.kind === 'mnist' ? 'mnist' : `${d.kind} "${d.dir}"`;
}

export function optimizerText(o: OptimizerSpec): string {
  return o.kind === 'sgd' ? `sgd lr ${o.lr} momentum ${o.momentum}` : `adam lr ${o.lr} beta1 ${o.beta1} beta2 ${o.beta2} epsilon ${o.epsilon}`;
}
