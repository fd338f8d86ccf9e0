// The in-memory form of a set of images the network sees: normalised floats, NHWC.

/**
 * `images[((i*height + r)*width + c)*channels + ch]` = (pixel/255 - mean) / std.
 * Labels are class indices 0..classes-1. `n` images; `images.length = n*height*width*channels`.
 */
export interface ImageSet {
  /** `train` for the training set, else a test-set name such as `pmnist.hcut`. */
  name: string;
  images: Float32Array;
  labels: Uint8Array;
  n: number;
  height: number;
  width: number;
  channels: number;
  /** The normalisation applied, one mean and std per channel, so viewers can map floats back to pixels. Absent for sets built by hand. */
  normalisation?: Normalisation;
}

/** Raw images as stored in the files: bytes 0..255, same layout as ImageSet.images. */
export interface RawImages {
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
}

/** Per channel: pixel/255 is mapped to (x - mean[ch]) / std[ch]. */
export interface Normalisation {
  mean: number[];
  std: number[];
}

/**
 * Byte -> normalised float for every channel: `table[ch*256 + byte]`. A single number (or a
 * one-element list) normalises every element alike, whatever the channel count.
 */
export function normalisationTable(mean: number | readonly number[], std: number | readonly number[]): Float32Array {
  const means = typeof mean === 'number' ? [mean] : mean;
  const stds = typeof std === 'number' ? [std] : std;
  const table = new Float32Array(256 * means.length);
  for (let ch = 0; ch < means.length; ch++) for (let v = 0; v < 256; v++) table[ch * 256 + v] = (v / 255 - means[ch]) / stds[ch];
  return table;
}

/**
 * Maps raw bytes (NHWC) to normalised floats through a lookup table; with one mean/std per
 * channel, element k belongs to channel k % channels.
 */
export function normalisePixels(
  raw: Uint8Array,
  mean: number | readonly number[],
  std: number | readonly number[],
  out = new Float32Array(raw.length),
): Float32Array {
  const table = normalisationTable(mean, std);
  const channels = table.length / 256;
  if (channels === 1) {
    for (let i = 0; i < raw.length; i++) out[i] = table[raw[i]];
    return out;
  }
  for (let i = 0; i < raw.length; i++) out[i] = table[(i % channels) * 256 + raw[i]];
  return out;
}

/** Mean and (population) standard deviation per channel of NHWC bytes, scaled to 0..1. */
export function channelStatistics(pixels: Uint8Array, channels: number): Normalisation {
  // Histograms make this exact and fast: 256 buckets per channel instead of millions of float additions.
  const histogram = new Float64Array(256 * channels);
  if (channels === 1) for (let i = 0; i < pixels.length; i++) histogram[pixels[i]]++;
  else for (let i = 0; i < pixels.length; i++) histogram[(i % channels) * 256 + pixels[i]]++;
  const perChannel = pixels.length / channels;
  const mean: number[] = [];
  const std: number[] = [];
  for (let ch = 0; ch < channels; ch++) {
    let sum = 0;
    let sumSq = 0;
    for (let v = 0; v < 256; v++) {
      const x = v / 255;
      sum += histogram[ch * 256 + v] * x;
      sumSq += histogram[ch * 256 + v] * x * x;
    }
    const m = sum / perChannel;
    mean.push(m);
    std.push(Math.sqrt(Math.max(0, sumSq / perChannel - m * m)));
  }
  return { mean, std };
}

/** Bytes per image (height*width*channels). */
export function imageSize(set: { height: number; width: number; channels: number }): number {
  return set.height * set.width * set.channels;
}
