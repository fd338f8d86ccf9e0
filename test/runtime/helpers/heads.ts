// Head steps and head-reading train/eval steps built by hand, as the compiler lowers `head NAME`,
// `invert ... on HEAD`, `train N on EXPR` and `eval ... on EXPR` (compiler/plan.ts): for runtime
// tests that do not depend on the language front end.
import type { FeatureTransform, HeadExpr, HeadFeatures, LayerSpec, ModelSpec, ParamSpec, StepSpec } from '../../../compiler/plan.js';

/** `head NAME` for a model: copies of the layers after `flatten`, named `NAME.LAYER`, with their parameters. */
export function headStep(model: ModelSpec, name: string, stateKey = ''): Extract<StepSpec, { kind: 'head' }> {
  const layers: LayerSpec[] = model.layers.slice(model.featureBoundary + 1).map((l) =>
    l.kind === 'dense' || l.kind === 'conv' ? { ...l, name: `${name}.${l.name}`, params: l.params.map((p) => `${name}.${p}`) } : { ...l },
  );
  const own = new Set(model.layers.slice(model.featureBoundary + 1).flatMap((l) => ('params' in l ? l.params : [])));
  const params: ParamSpec[] = model.params.filter((p) => own.has(p.name)).map((p) => ({ ...p, name: `${name}.${p.name}`, layer: `${name}.${p.layer}` }));
  return { kind: 'head', name, layers, params, stateKey };
}

/** The parameter names of a head step. */
export function headParams(step: Extract<StepSpec, { kind: 'head' }>): string[] {
  return step.params.map((p) => p.name);
}

/** Adds `on` and `heads` to a train or eval step (the main head's transform stays in `feature`). */
export function onHeads<S extends StepSpec>(step: S, on: HeadExpr, heads: HeadFeatures): S {
  if (step.kind !== 'train' && step.kind !== 'eval') throw new Error(`${step.kind} steps do not read heads`);
  const main: FeatureTransform = heads.main ?? { kind: 'model' };
  return { ...step, on, heads: { main, ...heads }, feature: main };
}

/** Gives every step of each arm its own stateKey (`arm/index`), so the cross-run cache stores and finds them. */
export function keyed<S extends StepSpec>(armName: string, steps: S[], keyOf: (index: number) => string = (i) => `${armName}/${i}`): S[] {
  return steps.map((s, i) => ({ ...s, stateKey: keyOf(i) }));
}
