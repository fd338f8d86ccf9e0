// How far a kernel's output is from a reference, relative to the reference's largest magnitude
// (one number per tensor, so a near-zero element cannot blow it up).
export function relativeError(reference: Float32Array, actual: Float32Array): number {
  let maxDiff = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(reference[i] - actual[i]));
    scale = Math.max(scale, Math.abs(reference[i]));
  }
  return maxDiff / Math.max(scale, 1e-30);
}
