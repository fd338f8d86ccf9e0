// Small synthetic IDX files for the data tests: real headers and bodies, a few bytes each.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export function idxImagesBytes(count: number, height: number, width: number, pixel: (i: number, p: number) => number, magic = 2051): Uint8Array {
  const bytes = new Uint8Array(16 + count * height * width);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic);
  view.setUint32(4, count);
  view.setUint32(8, height);
  view.setUint32(12, width);
  for (let i = 0; i < count; i++) for (let p = 0; p < height * width; p++) bytes[16 + i * height * width + p] = pixel(i, p);
  return bytes;
}

export function idxLabelsBytes(labels: number[], magic = 2049): Uint8Array {
  const bytes = new Uint8Array(8 + labels.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic);
  view.setUint32(4, labels.length);
  bytes.set(labels, 8);
  return bytes;
}

export function tempDir(prefix = 'mfx-data-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export interface IdxFolderContents {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
}

const NAMES: Record<keyof IdxFolderContents, string> = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

/** A digit-like pattern: image i has class i % 10 and a bright bar whose row depends on i. */
export function syntheticContents(train = 30, test = 20, size = 28): IdxFolderContents {
  const bar = (i: number, p: number): number => (Math.floor(p / size) === (i * 7) % size ? 200 : (p * 13 + i * 5) % 50);
  return {
    trainImages: idxImagesBytes(train, size, size, bar),
    trainLabels: idxLabelsBytes(Array.from({ length: train }, (_, i) => i % 10)),
    testImages: idxImagesBytes(test, size, size, bar),
    testLabels: idxLabelsBytes(Array.from({ length: test }, (_, i) => i % 10)),
  };
}

/** Writes the four files (gzipped when asked) into a new folder, leaving out `omit`. */
export function writeIdxFolder(contents: IdxFolderContents, opts: { gzip?: boolean; omit?: (keyof IdxFolderContents)[] } = {}): string {
  const dir = tempDir();
  mkdirSync(dir, { recursive: true });
  for (const role of Object.keys(NAMES) as (keyof IdxFolderContents)[]) {
    if (opts.omit?.includes(role)) continue;
    const file = path.join(dir, NAMES[role] + (opts.gzip ? '.gz' : ''));
    writeFileSync(file, opts.gzip ? gzipSync(contents[role]) : contents[role]);
  }
  return dir;
}

/** Colour images, [count, height, width, channels] with magic 2052; `pixel(i, k)` for element k of image i (NHWC). */
export function idxChannelImagesBytes(count: number, height: number, width: number, channels: number, pixel: (i: number, k: number) => number): Uint8Array {
  const size = height * width * channels;
  const bytes = new Uint8Array(20 + count * size);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 2052);
  view.setUint32(4, count);
  view.setUint32(8, height);
  view.setUint32(12, width);
  view.setUint32(16, channels);
  for (let i = 0; i < count; i++) for (let k = 0; k < size; k++) bytes[20 + i * size + k] = pixel(i, k);
  return bytes;
}

/**
 * A learnable set of `classes` classes: image i has class i % classes and a bright square whose
 * position depends on the class (and, with channels, a colour that does too).
 */
export function classPatternContents(opts: { classes: number; train: number; test: number; size: number; channels?: number }): IdxFolderContents {
  const { classes, size } = opts;
  const channels = opts.channels ?? 1;
  const cells = Math.ceil(Math.sqrt(classes));
  const cell = Math.floor(size / cells);
  const pixel = (i: number, k: number): number => {
    const cls = i % classes;
    const ch = k % channels;
    const p = Math.floor(k / channels);
    const r = Math.floor(p / size);
    const c = p % size;
    const inside = Math.floor(r / cell) === Math.floor(cls / cells) && Math.floor(c / cell) === cls % cells;
    const noise = (k * 31 + i * 17) % 40;
    return inside ? 255 - ((cls + ch * 50) % 90) : noise;
  };
  const images = (n: number) => (channels === 1 ? idxImagesBytes(n, size, size, (i, p) => pixel(i, p)) : idxChannelImagesBytes(n, size, size, channels, pixel));
  const labels = (n: number) => idxLabelsBytes(Array.from({ length: n }, (_, i) => i % classes));
  return { trainImages: images(opts.train), trainLabels: labels(opts.train), testImages: images(opts.test), testLabels: labels(opts.test) };
}
