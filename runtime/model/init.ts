// PyTorch's default initialisation, drawn from mfx's seeded PRNG: every weight and bias is
// uniform(-1/sqrt(fanIn), 1/sqrt(fanIn)), so mfx networks start like the research code's.
import type { ParamSpec } from '../../compiler/plan.js';
import { createPrng, deriveSeed } from '../data/prng.js';

/** The bound b of uniform(-b, b) for a parameter. */
export function initBound(param: ParamSpec): number {
  return 1 / Math.sqrt(param.fanIn);
}

/** Fresh values for one parameter, from a stream that depends only on (seed, purpose, name). */
export function initialValues(param: ParamSpec, seed: number, purpose: string): Float32Array {
  const prng = createPrng(deriveSeed(seed, `${purpose}/${param.name}`));
  const bound = initBound(param);
  const values = new Float32Array(param.size);
  for (let i = 0; i < values.length; i++) values[i] = (prng.float() * 2 - 1) * bound;
  return values;
}

/** The stream label for the network's first initialisation. */
export const INIT_PURPOSE = 'init';

/** The stream label for `reset` at step `stepIndex` of an arm (arms sharing a prefix draw the same values). */
export function resetPurpose(stepIndex: number): string {
  return `reset/${stepIndex}`;
}
