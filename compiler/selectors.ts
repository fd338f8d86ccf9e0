// Parameter selectors: `conv*` selects every parameter of the matching layers, `conv*.weight`
// narrows to one role. A head's layers are named `HEAD.LAYER`, so `missing.*` selects a head's
// layers and `missing.fc1.weight` one of its parameters, while `fc*` (one name part) still
// means the model's own layers only. Results are always in model order so plans are stable.
import type { ParamSpec } from './plan.js';
import { globToRegExp, matchGlob } from './globs.js';

/** The parameters selectors choose from: a model's, or an arm's with its heads' (compiler/heads.ts). */
export interface ParamSpace {
  params: readonly ParamSpec[];
}

/** The parameter names a selector picks, in model order (empty when it matches nothing). */
export function resolveSelector(selector: string, space: ParamSpace): string[] {
  const layers = new Set(matchGlob(selector, parameterLayers(space)));
  // A dotted selector may also name parameters (`fc1.bias`, `conv*.weight`, `missing.fc1.weight`).
  const byName = selector.includes('.') ? globToRegExp(selector) : null;
  return space.params.filter((p) => layers.has(p.layer) || byName?.test(p.name)).map((p) => p.name);
}

/** The names of the layers that own parameters, for "layers here: ..." hints. */
export function parameterLayers(space: ParamSpace): string[] {
  return [...new Set(space.params.map((p) => p.layer))];
}

/** Sorts parameter names into model order. */
export function inModelOrder(names: Iterable<string>, space: ParamSpace): string[] {
  const set = new Set(names);
  return space.params.filter((p) => set.has(p.name)).map((p) => p.name);
}
