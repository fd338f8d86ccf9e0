// Parameter selectors: `conv*` selects every parameter of the matching layers, `conv*.weight`
// narrows to one role. Results are always in model order so plans are stable.
import type { ModelSpec } from './plan.js';
import { matchGlob } from './globs.js';

/** The parameter names a selector picks, in model order (empty when it matches nothing). */
export function resolveSelector(selector: string, model: ModelSpec): string[] {
  if (selector.includes('.')) return matchGlob(selector, model.params.map((p) => p.name));
  const layers = new Set(matchGlob(selector, model.params.map((p) => p.layer)));
  return model.params.filter((p) => layers.has(p.layer)).map((p) => p.name);
}

/** The names of the layers that own parameters, for "layers here: ..." hints. */
export function parameterLayers(model: ModelSpec): string[] {
  return [...new Set(model.params.map((p) => p.layer))];
}

/** Sorts parameter names into model order. */
export function inModelOrder(names: Iterable<string>, model: ModelSpec): string[] {
  const set = new Set(names);
  return model.params.filter((p) => set.has(p.name)).map((p) => p.name);
}
