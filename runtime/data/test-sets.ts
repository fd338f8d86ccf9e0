// Generating the test sets of compiler/test-sets.ts's catalogue from a loaded dataset's raw
// test images. Occlusions and fillings act on raw pixels (0..255) before normalisation, as in
// the research code (nmilosev/negative-learning, mnist.py):
//   p<family>.unmodified|hcut|vcut|dcut|tcut   removed pixels set to 0
//   p<family>-fill.noise    tcut squares filled with uniform integers 0..255
//   p<family>-fill.blur     tcut squares filled with the image's own 5x5 Gaussian blur (sigma 1)
//   p<family>-fill.digit    tcut squares filled with the pixels of one other test image of a different class
//   p<family>-fill.digits3  each square filled from a different one of three such images
// Randomness comes from the seed only, and each image consumes the stream in order, so a
// subset's images are exactly the first images of the full set.
import type { TcutFill } from '../../compiler/test-sets.js';
import { parseTestSetName, testSetCatalogue } from '../../compiler/test-sets.js';
import type { Dataset } from './datasets.js';
import { DataError } from './errors.js';
import type { ImageSet, RawImages } from './image-set.js';
import { normalisePixels } from './image-set.js';
import { occlusionMask, tcutSquareMap } from './occlusions.js';
import type { Prng } from './prng.js';
import { createPrng, deriveSeed } from './prng.js';

/** The generated images of one test set, normalised, ready for evaluation. */
export function makeTestSet(name: string, ds: Dataset, seed: number): ImageSet {
  const raw = makeRawTestSet(name, ds, seed);
  return {
    name,
    images: normalisePixels(raw.images, ds.mean, ds.std),
    labels: raw.labels,
    n: raw.n,
    height: ds.height,
    width: ds.width,
    channels: ds.channels,
    normalisation: { mean: ds.mean, std: ds.std },
  };
}

/** The same images as raw bytes 0..255 (before normalisation). */
export function makeRawTestSet(name: string, ds: Dataset, seed: number): RawImages {
  const parsed = parseTestSetName(name);
  if (!parsed || parsed.family !== ds.family) {
    throw new DataError(
      `There is no test set called ${name} for the ${ds.name} dataset. Its test sets are: ${testSetCatalogue(ds.spec).join(', ')}.`,
    );
  }
  const { variant } = parsed;
  const pixels = ds.height * ds.width;
  const channels = ds.channels;
  // Copies we occlude (Uint8Array.from, not slice: a Buffer's slice would share memory).
  const images = Uint8Array.from(ds.test.images);
  const labels = Uint8Array.from(ds.test.labels);
  const n = ds.test.n;

  if (variant.kind === 'occlusion') {
    if (variant.occlusion === 'unmodified') return { images, labels, n };
    const removed = maskIndices(occlusionMask(variant.occlusion, ds.height, ds.width));
    for (let i = 0; i < n; i++) {
      const base = i * pixels;
      for (const p of removed) for (let ch = 0; ch < channels; ch++) images[(base + p) * channels + ch] = 0;
    }
    return { images, labels, n };
  }

  fillTcut(variant.fill, images, ds, seed);
  return { images, labels, n };
}

function maskIndices(mask: Uint8Array, value?: number): Int32Array {
  const out: number[] = [];
  for (let p = 0; p < mask.length; p++) if (value === undefined ? mask[p] !== 0 : mask[p] === value) out.push(p);
  return Int32Array.from(out);
}

function fillTcut(fill: TcutFill, images: Uint8Array, ds: Dataset, seed: number): void {
  const { height, width, channels } = ds;
  const pixels = height * width;
  const squareMap = tcutSquareMap(height, width);
  const all = maskIndices(squareMap);
  const squares = [maskIndices(squareMap, 1), maskIndices(squareMap, 2), maskIndices(squareMap, 3)];
  const n = ds.test.n;
  const original = ds.test.images;

  switch (fill) {
    case 'noise': {
      const prng = createPrng(deriveSeed(seed, `${ds.family}-fill.noise`));
      for (let i = 0; i < n; i++) {
        for (const p of all) for (let ch = 0; ch < channels; ch++) images[(i * pixels + p) * channels + ch] = prng.intBetween(0, 255);
      }
      return;
    }
    case 'blur': {
      const kernel = researchGaussianKernel();
      for (let i = 0; i < n; i++) {
        for (let ch = 0; ch < channels; ch++) {
          for (const p of all) {
            const r = Math.floor(p / width);
            const c = p % width;
            images[(i * pixels + p) * channels + ch] = blurredPixel(original, i * pixels, channels, ch, height, width, r, c, kernel);
          }
        }
      }
      return;
    }
    case 'digit':
    case 'digits3': {
      // Both fillings share one donor stream, so `digit` uses the first donor of `digits3`,
      // as the research code does (random_pairs[0] for one digit, [0..2] for three).
      const prng = createPrng(deriveSeed(seed, `${ds.family}-fill.donors`));
      const pool = ds.testPool;
      const perClass = countPerClass(pool.labels, ds.classes);
      for (let i = 0; i < n; i++) {
        const donors = drawDonors(prng, pool, perClass, ds.test.labels[i], fill === 'digits3' ? 3 : 1, i);
        for (let s = 0; s < 3; s++) {
          const donor = fill === 'digit' ? donors[0] : donors[s];
          for (const p of squares[s]) {
            for (let ch = 0; ch < channels; ch++) images[(i * pixels + p) * channels + ch] = pool.images[(donor * pixels + p) * channels + ch];
          }
        }
      }
      return;
    }
  }
}

function countPerClass(labels: Uint8Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const l of labels) counts[l]++;
  return counts;
}

/**
 * Three distinct pool images, none of the target's class, redrawn together until that holds
 * (the research code's get_random_pairs). With fewer than three candidates (tiny IDX folders)
 * only `needed` are drawn.
 */
function drawDonors(prng: Prng, pool: RawImages, perClass: number[], label: number, needed: number, image: number): number[] {
  const candidates = pool.n - perClass[label];
  if (candidates < needed) {
    throw new DataError(
      `Test image ${image} (class ${label}) needs ${needed} other test image${needed === 1 ? '' : 's'} of a different class to fill its squares, ` +
        `but the test split has only ${candidates}. Use a dataset with more test images of other classes, or a different test set.`,
    );
  }
  const count = Math.min(3, candidates);
  for (;;) {
    const picks: number[] = [];
    while (picks.length < count) {
      const k = prng.int(pool.n);
      if (!picks.includes(k)) picks.push(k);
    }
    if (picks.every((k) => pool.labels[k] !== label)) return picks;
  }
}

/**
 * The research code's 5x5 kernel (blur.py, GaussianSmoothing(1, 5, 1)): weights
 * exp(-((x - 2) / (2*sigma))^2) per axis, normalised to sum 1. Note the 2*sigma: the kernel is
 * a true Gaussian of sigma*sqrt(2); we keep the formula so the images match the published ones.
 */
export function researchGaussianKernel(sigma = 1): Float64Array {
  const axis = [0, 1, 2, 3, 4].map((x) => Math.exp(-(((x - 2) / (2 * sigma)) ** 2)));
  const kernel = new Float64Array(25);
  let sum = 0;
  for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) sum += kernel[y * 5 + x] = axis[y] * axis[x];
  for (let k = 0; k < 25; k++) kernel[k] /= sum;
  return kernel;
}

/** PyTorch's `reflect` padding: mirror without repeating the edge (-1 -> 1, size -> size-2). */
function reflect(i: number, size: number): number {
  const m = i < 0 ? -i : i >= size ? 2 * size - 2 - i : i;
  return Math.min(size - 1, Math.max(0, m)); // only matters for images under 3 pixels wide
}

/** The blurred value at (r, c), truncated to an integer as assigning a float to a uint8 tensor does. */
function blurredPixel(
  images: Uint8Array,
  imageBase: number,
  channels: number,
  ch: number,
  height: number,
  width: number,
  r: number,
  c: number,
  kernel: Float64Array,
): number {
  let acc = 0;
  for (let dy = -2; dy <= 2; dy++) {
    const rr = reflect(r + dy, height);
    for (let dx = -2; dx <= 2; dx++) {
      const cc = reflect(c + dx, width);
      acc += kernel[(dy + 2) * 5 + dx + 2] * images[(imageBase + rr * width + cc) * channels + ch];
    }
  }
  return Math.min(255, Math.floor(acc + 1e-9));
}

/** One line saying what a test set is, with the number of pixels it replaces per image. */
export function describeTestSet(name: string, height: number, width: number): string {
  const parsed = parseTestSetName(name);
  if (!parsed) return 'not a test set';
  const tcut = occlusionMask('tcut', height, width).reduce((a, b) => a + b, 0);
  const v = parsed.variant;
  if (v.kind === 'occlusion') {
    const removed = occlusionMask(v.occlusion, height, width).reduce((a, b) => a + b, 0);
    const what = {
      unmodified: 'the test images as they are',
      hcut: 'top half set to black (r < 14)',
      vcut: 'left half set to black (c < 14)',
      dcut: 'top-right and bottom-left quarters set to black',
      tcut: 'three 9x9 squares set to black',
    }[v.occlusion];
    return v.occlusion === 'unmodified' ? what : `${what}: ${removed} of ${height * width} pixels`;
  }
  const fill = {
    noise: 'random noise 0..255',
    blur: "a 5x5 Gaussian blur of the image itself",
    digit: 'the pixels of one other test image of a different class',
    digits3: 'the pixels of three other test images of other classes, one per square',
  }[v.fill];
  return `the ${tcut} triple-cut pixels filled with ${fill}`;
}
