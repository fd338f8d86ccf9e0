// Heads (docs/language.md, "Heads"): every model has one head, `main`, the layers after its
// feature boundary; `head NAME` adds a fresh copy of those layers named `NAME.LAYER`
// (`missing.fc1`), with parameters `NAME.LAYER.weight|bias` of the same shapes and fan-in.
// ArmHeads holds one arm's heads while its schedule is lowered (compiler/schedule.ts): the
// arm's parameter space (the model's parameters, then each added head's), each head's
// feature transform, and the parameters a head expression reads.
import { MAIN_HEAD } from '../grammar/index.js';
import type { FeatureTransform, HeadExpr, HeadFeatures, LayerSpec, ModelSpec, ParamSpec } from './plan.js';

/** The layers and parameters of a new head `name`: copies of the main head's, renamed. */
export function copyMainHead(model: ModelSpec, name: string): { layers: LayerSpec[]; params: ParamSpec[] } {
  const mainLayers = model.layers.slice(model.featureBoundary + 1);
  const layers = mainLayers.map((l): LayerSpec => {
    const shapes = { inShape: [...l.inShape], outShape: [...l.outShape] };
    if (l.kind === 'conv' || l.kind === 'dense') return { ...l, ...shapes, name: `${name}.${l.name}`, params: l.params.map((p) => `${name}.${p}`) };
    return { ...l, ...shapes };
  });
  const own = new Set(mainLayers.flatMap((l) => (l.kind === 'conv' || l.kind === 'dense' ? [l.name] : [])));
  const params = model.params
    .filter((p) => own.has(p.layer))
    .map((p) => ({ ...p, name: `${name}.${p.name}`, layer: `${name}.${p.layer}`, shape: [...p.shape] }));
  return { layers, params };
}

/** The names of the model's layers that own parameters or are named (a head may not take one). */
export function layerNames(model: ModelSpec): string[] {
  return model.layers.flatMap((l) => (l.kind === 'conv' || l.kind === 'dense' ? [l.name] : []));
}

export class ArmHeads {
  /** The arm's parameter space: the model's parameters, then each added head's, in the order added. */
  readonly params: ParamSpec[];
  /** Each head's feature transform, `main` first, then the added heads in the order added. */
  private readonly features = new Map<string, FeatureTransform>([[MAIN_HEAD, { kind: 'model' }]]);
  /** Parameter names per head, `main` included. */
  private readonly own = new Map<string, string[]>();
  private readonly trunk: string[];

  constructor(model: ModelSpec) {
    this.params = [...model.params];
    const before = new Set(model.layers.slice(0, model.featureBoundary).flatMap((l) => (l.kind === 'conv' || l.kind === 'dense' ? [l.name] : [])));
    this.trunk = model.params.filter((p) => before.has(p.layer)).map((p) => p.name);
    this.own.set(MAIN_HEAD, model.params.filter((p) => !before.has(p.layer)).map((p) => p.name));
  }

  has(name: string): boolean {
    return this.features.has(name);
  }

  /** `main`, then the added heads in the order added. */
  names(): string[] {
    return [...this.features.keys()];
  }

  /** Heads besides `main`. */
  get added(): number {
    return this.features.size - 1;
  }

  add(name: string, params: ParamSpec[]): void {
    this.features.set(name, { kind: 'model' }); // a new head reads the model's own features
    this.own.set(name, params.map((p) => p.name));
    this.params.push(...params);
  }

  feature(name: string): FeatureTransform {
    return this.features.get(name) ?? { kind: 'model' };
  }

  setFeature(name: string, feature: FeatureTransform): void {
    if (this.features.has(name)) this.features.set(name, feature);
  }

  /** The parameters whose values `expr`'s logits depend on: the trunk's and each head's own. */
  reads(expr: HeadExpr): Set<string> {
    return new Set([...this.trunk, ...expr.flatMap((h) => this.own.get(h) ?? [])]);
  }

  /** Each head's transform, for train and eval steps; undefined while the arm has only `main`. */
  headFeatures(): HeadFeatures | undefined {
    return this.added === 0 ? undefined : Object.fromEntries(this.features);
  }
}
