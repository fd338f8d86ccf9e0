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
import type { TcutFill, TestSetRef, TestSetVariant } from '../../compiler/test-sets.js';
import type { Dataset } from './datasets.js';
import { DataError } from './errors.js';
import type { ImageSet, RawImages } from './image-set.js';
import { normalisationTable, normalisePixels } from './image-set.js';
import { occlusionMask, tcutSquareMap, tcutSquares } from './occlusions.js';
import type { Prng } from './prng.js';
import { createPrng, deriveSeed } from './prng.js';

/** The generated images of one test set, normalised, ready for evaluation. */
export function makeTestSet(ref: TestSetRef, ds: Dataset, seed: number): ImageSet {
  // Generated straight into Float32 through a byte->float table per channel (no temporary byte
  // copy): every write below is `out[k] = encode[ch*256 + byte]`, so the result equals
  // normalising the raw set.
  const encode = normalisationTable(ds.mean, ds.std);
  const images = normalisePixels(ds.test.images, ds.mean, ds.std);
  generate(ref, ds, seed, images, encode);
  return {
    name: ref.name,
    images,
    labels: new Uint8Array(ds.test.labels),
    n: ds.test.n,
    height: ds.height,
    width: ds.width,
    channels: ds.channels,
    normalisation: { mean: ds.mean, std: ds.std },
  };
}

/** The same images as raw bytes 0..255 (before normalisation). */
export function makeRawTestSet(ref: TestSetRef, ds: Dataset, seed: number): RawImages {
  // `new Uint8Array(typedArray)` copies (a Buffer's slice() would share memory).
  const images = new Uint8Array(ds.test.images);
  generate(ref, ds, seed, images, IDENTITY_BYTES);
  return { images, labels: new Uint8Array(ds.test.labels), n: ds.test.n };
}

const IDENTITY_BYTES = Uint8Array.from({ length: 256 }, (_, v) => v);

/** Output images (a copy of the test images, raw or normalised) and the encoding of a byte into them. */
type Out = Uint8Array | Float32Array;
/** `encode[ch*256 + byte]`; a 256-entry table serves every channel alike. */
type Encode = Uint8Array | Float32Array;

/** Per element offset: where its channel's part of `encode` starts. */
function tableBases(offsets: Int32Array, channels: number, encode: Encode): Int32Array {
  const bases = new Int32Array(offsets.length);
  if (encode.length > 256) for (let k = 0; k < offsets.length; k++) bases[k] = (offsets[k] % channels) * 256;
  return bases;
}

// The caller (the compiler for a Plan, `mfx data` for a name) checked that the test set belongs
// to the dataset; its family names the random streams of the fillings.
function generate(ref: TestSetRef, ds: Dataset, seed: number, out: Out, encode: Encode): void {
  const { variant } = ref;
  if (variant.kind === 'tcut-fill') {
    fillTcut(variant.fill, out, encode, ds, ref.family, seed);
    return;
  }
  if (variant.occlusion === 'unmodified') return;
  const removed = elementOffsets(occlusionMask(variant.occlusion, ds.height, ds.width), ds.channels);
  const size = ds.height * ds.width * ds.channels;
  const bases = tableBases(removed, ds.channels, encode);
  const blackValues = encode instanceof Float32Array ? Float32Array.from(bases, (b) => encode[b]) : Uint8Array.from(bases, (b) => encode[b]);
  for (let i = 0; i < ds.test.n; i++) {
    const base = i * size;
    for (let k = 0; k < removed.length; k++) out[base + removed[k]] = blackValues[k];
  }
}

/** Offsets within one image (pixel*channels + channel) of every element whose mask value is non-zero, or equals `value`. */
function elementOffsets(mask: Uint8Array, channels: number, value?: number): Int32Array {
  const out: number[] = [];
  for (let p = 0; p < mask.length; p++) {
    if (value === undefined ? mask[p] !== 0 : mask[p] === value) for (let ch = 0; ch < channels; ch++) out.push(p * channels + ch);
  }
  return Int32Array.from(out);
}

function fillTcut(fill: TcutFill, images: Out, encode: Encode, ds: Dataset, family: string, seed: number): void {
  const { height, width, channels } = ds;
  const size = height * width * channels;
  const squareMap = tcutSquareMap(height, width);
  const all = elementOffsets(squareMap, channels);
  const allBases = tableBases(all, channels, encode);
  const n = ds.test.n;

  switch (fill) {
    case 'noise': {
      const prng = createPrng(deriveSeed(seed, `${family}-fill.noise`));
      for (let i = 0; i < n; i++) {
        const base = i * size;
        for (let k = 0; k < all.length; k++) images[base + all[k]] = encode[allBases[k] + prng.intBetween(0, 255)];
      }
      return;
    }
    case 'blur': {
      const taps = blurTaps(all, height, width, channels);
      const kernel = researchGaussianKernel();
      const original = ds.test.images;
      for (let i = 0; i < n; i++) {
        const base = i * size;
        for (let k = 0; k < all.length; k++) {
          let acc = 0;
          const t0 = k * 25;
          for (let t = 0; t < 25; t++) acc += kernel[t] * original[base + taps[t0 + t]];
          // Truncated, as assigning a float to a uint8 tensor does in the research code.
          images[base + all[k]] = encode[allBases[k] + Math.min(255, Math.floor(acc + 1e-9))];
        }
      }
      return;
    }
    case 'digit':
    case 'digits3': {
      // Both fillings share one donor stream, so `digit` uses the first donor of `digits3`,
      // as the research code does (random_pairs[0] for one digit, [0..2] for three).
      const prng = createPrng(deriveSeed(seed, `${family}-fill.donors`));
      const pool = ds.testPool;
      const squares = [1, 2, 3].map((s) => elementOffsets(squareMap, channels, s));
      const squareBases = squares.map((offsets) => tableBases(offsets, channels, encode));
      const perClass = countPerClass(pool.labels, ds.classes);
      for (let i = 0; i < n; i++) {
        const donors = drawDonors(prng, pool, perClass, ds.test.labels[i], fill === 'digits3' ? 3 : 1, i);
        const base = i * size;
        for (let s = 0; s < 3; s++) {
          const donorBase = (fill === 'digit' ? donors[0] : donors[s]) * size;
          const offsets = squares[s];
          const bases = squareBases[s];
          for (let k = 0; k < offsets.length; k++) images[base + offsets[k]] = encode[bases[k] + pool.images[donorBase + offsets[k]]];
        }
      }
      return;
    }
  }
}

/**
 * For each element to blur, the 25 element offsets its 5x5 kernel reads (row-major, matching
 * researchGaussianKernel), with PyTorch's `reflect` padding resolved once for all images.
 */
function blurTaps(elements: Int32Array, height: number, width: number, channels: number): Int32Array {
  const taps = new Int32Array(elements.length * 25);
  for (let k = 0; k < elements.length; k++) {
    const ch = elements[k] % channels;
    const p = (elements[k] - ch) / channels;
    const r = Math.floor(p / width);
    const c = p % width;
    let t = k * 25;
    for (let dy = -2; dy <= 2; dy++) {
      for (let dx = -2; dx <= 2; dx++) taps[t++] = (reflect(r + dy, height) * width + reflect(c + dx, width)) * channels + ch;
    }
  }
  return taps;
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

/**
 * Whether a test set's images depend on the seed: only the noise and donor fillings do
 * (the occlusions and the blur are fixed), so a run with several seeds can share the rest.
 */
export function testSetUsesSeed(variant: TestSetVariant): boolean {
  return variant.kind === 'tcut-fill' && variant.fill !== 'blur';
}

/** One line saying what a test set is, with the number of pixels it replaces per image. */
export function describeTestSet(v: TestSetVariant, height: number, width: number): string {
  const tcut = occlusionMask('tcut', height, width).reduce((a, b) => a + b, 0);
  if (v.kind === 'occlusion') {
    const removed = occlusionMask(v.occlusion, height, width).reduce((a, b) => a + b, 0);
    const q = tcutSquares(height, width)[0];
    const what = {
      unmodified: 'the test images as they are',
      hcut: `top half set to black (r < ${height / 2})`,
      vcut: `left half set to black (c < ${width / 2})`,
      dcut: 'top-right and bottom-left quarters set to black',
      tcut: `three ${q.r1 - q.r0}x${q.c1 - q.c0} squares set to black`,
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
