// The layout shared by checkpoints and the cross-run state cache: a network's parameters and its
// optimiser state as the named arrays of one tensor file (see tensor-file.ts). Parameters are
// stored as `param/<name>`, optimiser slots as `opt/<param>/<slot>`, step counts in the header.
import type { NamedArray } from './tensor-file.js';
import type { SavedSlot } from '../training/optimizer.js';

export interface PackedNetworkState {
  tensors: NamedArray[];
  /** Parameter name → optimiser step count (goes into the file's header). */
  optimizerSteps: Record<string, number>;
}

/** Flattens parameters and optimiser state into named arrays plus the step counts. */
export function packNetworkState(params: NamedArray[], optimizer: Record<string, SavedSlot>): PackedNetworkState {
  const tensors: NamedArray[] = params.map((p) => ({ ...p, name: `param/${p.name}` }));
  const optimizerSteps: Record<string, number> = {};
  for (const [name, slot] of Object.entries(optimizer)) {
    optimizerSteps[name] = slot.step;
    for (const [key, t] of Object.entries(slot.tensors)) tensors.push({ name: `opt/${name}/${key}`, shape: t.shape, values: t.values });
  }
  return { tensors, optimizerSteps };
}

/** The inverse of packNetworkState. */
export function unpackNetworkState(
  tensors: NamedArray[],
  optimizerSteps: Record<string, number> | undefined,
): { params: NamedArray[]; optimizer: Record<string, SavedSlot> } {
  const params: NamedArray[] = [];
  const optimizer: Record<string, SavedSlot> = {};
  for (const t of tensors) {
    if (t.name.startsWith('param/')) params.push({ ...t, name: t.name.slice('param/'.length) });
    else if (t.name.startsWith('opt/')) {
      const rest = t.name.slice('opt/'.length);
      const slash = rest.lastIndexOf('/');
      const param = rest.slice(0, slash);
      optimizer[param] ??= { step: optimizerSteps?.[param] ?? 0, tensors: {} };
      optimizer[param].tensors[rest.slice(slash + 1)] = { shape: t.shape, values: t.values };
    }
  }
  return { params, optimizer };
}
