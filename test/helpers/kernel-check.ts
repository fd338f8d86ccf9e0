// What the kernel tests share: seeded inputs and how far an output is from its reference.

/** Deterministic uniform values in [-1, 1) (a small LCG: tests must be reproducible). */
export function randomValues(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** The largest difference relative to the reference's largest magnitude (one number per tensor, so a near-zero element cannot blow it up). */
export function relativeError(reference: Float32Array, actual: Float32Array): number {
  let maxDiff = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(reference[i] - actual[i]));
    scale = Math.max(scale, Math.abs(reference[i]));
  }
  return maxDiff / Math.max(scale, 1e-30);
}
