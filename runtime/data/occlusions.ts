// The talk's occlusion rules, as coded in the research code's mnist.py (and in
// bench/torch_reference.py's occlusion_masks): r = row and c = column on the 28x28 grid, 0..27.
// Images of another size are mapped onto that grid (r28 = floor(r*28/height)), so the same
// fractions are removed.
import type { Occlusion } from '../../compiler/test-sets.js';

/** Which of the three triple-cut squares holds (r, c) on the 28 grid: 1, 2, 3, or 0 for none. */
export function tcutSquareAt(r: number, c: number): 0 | 1 | 2 | 3 {
  if (r > 5 && r < 15 && c > 5 && c < 15) return 1;
  if (r > 17 && r < 27 && c > 10 && c < 20) return 2;
  if (r > 7 && r < 17 && c > 16 && c < 26) return 3;
  return 0;
}

/** Whether the occlusion removes (r, c) on the 28 grid. */
export function isOccluded(occlusion: Occlusion, r: number, c: number): boolean {
  switch (occlusion) {
    case 'unmodified':
      return false;
    case 'hcut':
      return r < 14;
    case 'vcut':
      return c < 14;
    case 'dcut':
      // Row and column 14 survive: the research code uses strict inequalities on both sides.
      return (r < 14 && c > 14) || (r > 14 && c < 14);
    case 'tcut':
      return tcutSquareAt(r, c) !== 0;
  }
}

function gridRow(r: number, height: number): number {
  return Math.floor((r * 28) / height);
}

/** Per pixel of a height x width image: 1 where the occlusion removes it, else 0. */
export function occlusionMask(occlusion: Occlusion, height: number, width: number): Uint8Array {
  const mask = new Uint8Array(height * width);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      if (isOccluded(occlusion, gridRow(r, height), gridRow(c, width))) mask[r * width + c] = 1;
    }
  }
  return mask;
}

/** Per pixel: the triple-cut square (1..3) it belongs to, or 0. */
export function tcutSquareMap(height: number, width: number): Uint8Array {
  const map = new Uint8Array(height * width);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) map[r * width + c] = tcutSquareAt(gridRow(r, height), gridRow(c, width));
  }
  return map;
}
