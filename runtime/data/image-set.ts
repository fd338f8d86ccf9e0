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
  /** The normalisation applied, so viewers can map floats back to pixels. Absent for sets built by hand. */
  normalisation?: { mean: number; std: number };
}

/** Raw images as stored in the files: bytes 0..255, same layout as ImageSet.images. */
export interface RawImages {
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
}

/** Maps raw bytes to normalised floats, through a 256-entry table (one multiply-free lookup per pixel). */
export function normalisePixels(raw: Uint8Array, mean: number, std: number, out = new Float32Array(raw.length)): Float32Array {
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) table[v] = (v / 255 - mean) / std;
  for (let i = 0; i < raw.length; i++) out[i] = table[raw[i]];
  return out;
}

/** Bytes per image (height*width*channels). */
export function imageSize(set: { height: number; width: number; channels: number }): number {
  return set.height * set.width * set.channels;
}
