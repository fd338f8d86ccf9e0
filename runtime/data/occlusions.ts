// The talk's occlusion rules (as coded in the research code's mnist.py, and in
// bench/torch_reference.py's occlusion_masks), for images of any size. On the 28x28 grid, r = row and c = column 0..27:
//   hcut  r < 14                       the top half
//   vcut  c < 14                       the left half
//   dcut  (r < 14 and c > 14) or (r > 14 and c < 14)   the top-right and bottom-left quarters
//   tcut  three 9x9 squares: rows 6-14 x cols 6-14, rows 18-26 x cols 11-19, rows 8-16 x cols 17-25
// For an H x W image the halves and quarters are fractions (r < H/2, c > W/2, ...: the middle
// row and column of an even size survive dcut, as row and column 14 do on 28), and the squares
// are scaled: each starts at round(start*H/28) and is round(9*H/28) rows tall (columns likewise),
// so all three keep one size. At 28x28 these are exactly the research code's masks. Every
// channel of a removed pixel is removed.
import type { Occlusion } from '../../compiler/test-sets.js';

/** The talk's squares on the 28 grid: first row and first column of each 9x9 square. */
const TCUT_SQUARES_28 = [
  [6, 6],
  [18, 11],
  [8, 17],
] as const;
const TCUT_SIDE_28 = 9;

interface Square {
  r0: number;
  r1: number; // exclusive
  c0: number;
  c1: number; // exclusive
}

/** The three triple-cut squares of an height x width image. */
export function tcutSquares(height: number, width: number): Square[] {
  const side = (n: number) => Math.max(1, Math.round((TCUT_SIDE_28 * n) / 28));
  const sideR = side(height);
  const sideC = side(width);
  return TCUT_SQUARES_28.map(([r, c]) => {
    const r0 = Math.min(height - sideR, Math.round((r * height) / 28));
    const c0 = Math.min(width - sideC, Math.round((c * width) / 28));
    return { r0: Math.max(0, r0), r1: Math.max(0, r0) + sideR, c0: Math.max(0, c0), c1: Math.max(0, c0) + sideC };
  });
}

/** Which of the three triple-cut squares holds (r, c): 1, 2, 3, or 0 for none (the first square wins an overlap). */
export function tcutSquareAt(r: number, c: number, height = 28, width = 28): 0 | 1 | 2 | 3 {
  const squares = tcutSquares(height, width);
  for (let s = 0; s < 3; s++) {
    const q = squares[s];
    if (r >= q.r0 && r < q.r1 && c >= q.c0 && c < q.c1) return (s + 1) as 1 | 2 | 3;
  }
  return 0;
}

/** Whether the occlusion removes pixel (r, c) of a height x width image (28x28 unless given). */
export function isOccluded(occlusion: Occlusion, r: number, c: number, height = 28, width = 28): boolean {
  const midR = height / 2;
  const midC = width / 2;
  switch (occlusion) {
    case 'unmodified':
      return false;
    case 'hcut':
      return r < midR;
    case 'vcut':
      return c < midC;
    case 'dcut':
      // The middle row and column survive: the research code uses strict inequalities on both sides.
      return (r < midR && c > midC) || (r > midR && c < midC);
    case 'tcut':
      return tcutSquareAt(r, c, height, width) !== 0;
  }
}

/** Per pixel of a height x width image: 1 where the occlusion removes it, else 0. */
export function occlusionMask(occlusion: Occlusion, height: number, width: number): Uint8Array {
  if (occlusion === 'tcut') return tcutSquareMap(height, width).map((s) => (s === 0 ? 0 : 1));
  const mask = new Uint8Array(height * width);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) if (isOccluded(occlusion, r, c, height, width)) mask[r * width + c] = 1;
  }
  return mask;
}

/** Per pixel: the triple-cut square (1..3) it belongs to, or 0. */
export function tcutSquareMap(height: number, width: number): Uint8Array {
  const map = new Uint8Array(height * width);
  const squares = tcutSquares(height, width);
  for (let s = 2; s >= 0; s--) {
    const q = squares[s];
    for (let r = q.r0; r < Math.min(q.r1, height); r++) for (let c = q.c0; c < Math.min(q.c1, width); c++) map[r * width + c] = s + 1;
  }
  return map;
}
