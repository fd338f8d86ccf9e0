// Frozen parameter lists read better per layer: `conv1, conv2.weight` instead of four names.

/** Collapses `<layer>.weight` + `<layer>.bias` into `<layer>`, keeping first-seen layer order. */
export function summarizeParams(params: readonly string[]): string[] {
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
