// Per-epoch shuffling derived from (seed, step index, epoch) only, so a resumed run reshuffles
// exactly like an uninterrupted one without saving any RNG state.
import { createPrng, deriveSeed, type Prng } from '../data/prng.js';

/** The PRNG stream for one epoch of one training step: `purpose` separates shuffling from dropout. */
export function epochPrng(seed: number, stepIndex: number, epoch: number, purpose: 'shuffle' | 'dropout'): Prng {
  return createPrng(deriveSeed(seed, `${purpose}/${stepIndex}/${epoch}`));
}

/** A Fisher-Yates permutation of 0..n-1. */
export function permutation(n: number, prng: Prng): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = prng.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}
