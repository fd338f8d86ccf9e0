// Network weights on disk (`.mfxw`, see tensor-file.ts): one float32 tensor per parameter,
// named as in the Plan (`conv1.weight`, NHWC layout), so `load` can check names and shapes.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { networkParams, type Network } from '../model/network.js';
import { decodeTensorFile, encodeTensorFile, TensorFileError, type NamedArray } from './tensor-file.js';
import { writeFileAtomic } from './atomic-write.js';

export const WEIGHTS_KIND = 'mfx.weights';

export interface WeightsMeta {
  model: string;
  /** Free-form provenance: arm, seed, step. */
  source?: Record<string, string | number>;
}

/** The network's parameters as plain arrays, in Plan order (the model's, then each head's). */
export function readParams(net: Network): NamedArray[] {
  return networkParams(net).map((p) => ({ name: p.name, shape: p.shape.slice(), values: (net.params.get(p.name)!.dataSync() as Float32Array).slice() }));
}

/** Overwrites the network's parameters (its heads' included); every one must be present with the Plan's shape. */
export function assignParams(net: Network, arrays: NamedArray[], file: string): void {
  const byName = new Map(arrays.map((a) => [a.name, a]));
  const params = networkParams(net);
  for (const p of params) {
    const a = byName.get(p.name);
    if (!a) throw new TensorFileError(file, `has no tensor for parameter ${p.name}`);
    if (a.shape.join('x') !== p.shape.join('x')) {
      throw new TensorFileError(file, `has ${p.name} with shape ${a.shape.join('x')}, but the model needs ${p.shape.join('x')}`);
    }
  }
  for (const p of params) {
    const a = byName.get(p.name)!;
    tf.tidy(() => net.params.get(p.name)!.assign(tf.tensor(a.values, p.shape, 'float32')));
  }
}

/** Writes the network's weights atomically. */
export function saveWeights(net: Network, file: string, source?: WeightsMeta['source']): void {
  writeFileAtomic(file, encodeTensorFile<WeightsMeta>({ kind: WEIGHTS_KIND, meta: { model: net.spec.name, source }, tensors: readParams(net) }));
}

/** Reads weights into the network (TensorFileError if missing, damaged or of another model). */
export function loadWeights(net: Network, file: string): void {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new TensorFileError(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  assignParams(net, decodeTensorFile<WeightsMeta>(bytes, WEIGHTS_KIND, file).tensors, file);
}
