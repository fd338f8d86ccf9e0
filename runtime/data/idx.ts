// IDX files (the MNIST file format): a big-endian header, then unsigned bytes.
//   images: magic 2051 (0x00000803), count, rows, cols, then count*rows*cols pixels (row-major)
//   colour: magic 2052 (0x00000804), count, rows, cols, channels, then the pixels as NHWC
//   labels: magic 2049 (0x00000801), count, then count labels
// (The magic's last byte is the number of dimensions, the one before it 0x08 = unsigned byte.)
// Files may be plain or gzip-compressed (detected by content, so a misnamed file still loads).
// Every problem becomes a DataError naming the file, what is wrong, and what to do.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { constants as zlibConstants, gunzip, gunzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import { DataError } from './errors.js';

export const IDX_IMAGES_MAGIC = 2051;
/** Images with a trailing channel dimension, [n, h, w, c]. */
export const IDX_CHANNEL_IMAGES_MAGIC = 2052;
export const IDX_LABELS_MAGIC = 2049;
const LABELS_HEADER_BYTES = 8;
/** The longest header: magic and four dimensions. */
const MAX_HEADER_BYTES = 20;

const imagesHeaderBytes = (magic: number): number => (magic === IDX_CHANNEL_IMAGES_MAGIC ? 20 : 16);
const isImagesMagic = (magic: number): boolean => magic === IDX_IMAGES_MAGIC || magic === IDX_CHANNEL_IMAGES_MAGIC;

/** The remedy appended to file-content errors unless the caller knows a better one. */
export const DEFAULT_REMEDY = 'Replace it with an intact copy (download it again, or point mfx at another folder).';

/** Images as stored: `pixels[((i*height + r)*width + c)*channels + ch]`, 0..255 (channels 1 for greyscale files). */
export interface IdxImages {
  file: string;
  count: number;
  height: number;
  width: number;
  channels: number;
  pixels: Uint8Array;
}

export interface IdxLabels {
  file: string;
  count: number;
  labels: Uint8Array;
}

/** What the first bytes of an IDX file say, without reading the body. */
export type IdxHeader =
  | { kind: 'images'; file: string; count: number; height: number; width: number; channels: number }
  | { kind: 'labels'; file: string; count: number };

const gunzipAsync = promisify(gunzip);

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function describeMagic(magic: number): string {
  if (magic === IDX_IMAGES_MAGIC) return 'an IDX image file (magic 2051)';
  if (magic === IDX_CHANNEL_IMAGES_MAGIC) return 'an IDX image file with channels (magic 2052)';
  if (magic === IDX_LABELS_MAGIC) return 'an IDX label file (magic 2049)';
  return `magic number ${magic} (0x${magic.toString(16).padStart(8, '0')})`;
}

/** Reads a whole file, gunzipping it when its content is gzip. */
export async function readIdxBytes(file: string, remedy = DEFAULT_REMEDY): Promise<Uint8Array> {
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (err) {
    throw fileAccessError(file, err);
  }
  if (!isGzip(raw)) return raw;
  try {
    return await gunzipAsync(raw);
  } catch (err) {
    throw new DataError(
      `${file} looks like a gzip file but cannot be decompressed (${(err as Error).message}); it is probably truncated or corrupt. ${remedy}`,
      file,
    );
  }
}

function fileAccessError(file: string, err: unknown): DataError {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return new DataError(`${file} does not exist. Check the path, or the dataset folder it was expected in.`, file);
  if (code === 'EISDIR') return new DataError(`${file} is a folder, not an IDX file. Give the path of the file itself.`, file);
  if (code === 'EACCES') return new DataError(`${file} cannot be read: permission denied. Make it readable (chmod) or copy it somewhere readable.`, file);
  return new DataError(`${file} cannot be read (${(err as Error)?.message ?? String(err)}). Check that the file exists and is readable.`, file);
}

/** Validates an image file's bytes (already decompressed). Pixels are a view into `bytes`, not a copy. */
export function parseIdxImages(bytes: Uint8Array, file: string, remedy = DEFAULT_REMEDY): IdxImages {
  checkMagic(bytes, file, IDX_IMAGES_MAGIC, remedy);
  const magic = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  const headerBytes = imagesHeaderBytes(magic);
  if (bytes.length < headerBytes) {
    throw new DataError(
      `${file} is too short to be an IDX image file: it has ${bytes.length} bytes, but the header alone takes ${headerBytes}. ${remedy}`,
      file,
    );
  }
  const { count, height, width, channels } = imageDims(bytes, magic);
  if (count === 0 || height === 0 || width === 0 || channels === 0) {
    throw new DataError(
      `${file} has impossible dimensions in its header: ${count} images of ${dimsText(height, width, channels)} pixels (all must be at least 1). ${remedy}`,
      file,
    );
  }
  const size = height * width * channels;
  checkLength(bytes.length, headerBytes + count * size, file, `${count} images of ${dimsText(height, width, channels)} pixels`, remedy);
  return { file, count, height, width, channels, pixels: plainView(bytes, headerBytes, count * size) };
}

function imageDims(bytes: Uint8Array, magic: number): { count: number; height: number; width: number; channels: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    count: view.getUint32(4),
    height: view.getUint32(8),
    width: view.getUint32(12),
    channels: magic === IDX_CHANNEL_IMAGES_MAGIC ? view.getUint32(16) : 1,
  };
}

/** `28x28` for greyscale, `32x32x3` with channels. */
export function dimsText(height: number, width: number, channels: number): string {
  return channels === 1 ? `${height}x${width}` : `${height}x${width}x${channels}`;
}

/** Validates a label file's bytes (already decompressed); every label must be below `classes`. */
export function parseIdxLabels(bytes: Uint8Array, file: string, classes: number, remedy = DEFAULT_REMEDY): IdxLabels {
  checkMagic(bytes, file, IDX_LABELS_MAGIC, remedy);
  if (bytes.length < LABELS_HEADER_BYTES) {
    throw new DataError(
      `${file} is too short to be an IDX label file: it has ${bytes.length} bytes, but the header alone takes ${LABELS_HEADER_BYTES}. ${remedy}`,
      file,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(4);
  if (count === 0) throw new DataError(`${file} says it holds 0 labels; a dataset needs at least one. ${remedy}`, file);
  checkLength(bytes.length, LABELS_HEADER_BYTES + count, file, `${count} labels`, remedy);
  const labels = plainView(bytes, LABELS_HEADER_BYTES, count);
  for (let i = 0; i < count; i++) {
    if (labels[i] >= classes) {
      throw new DataError(
        `${file} has label ${labels[i]} at position ${i} (0-based), but only ${classes} classes are expected (labels 0..${classes - 1}). ${remedy}`,
        file,
      );
    }
  }
  return { file, count, labels };
}

/** Checks the magic first (when there are 4 bytes), so a swapped or foreign file is named as such rather than as short. */
function checkMagic(bytes: Uint8Array, file: string, expected: number, remedy: string): void {
  if (bytes.length < 4) return;
  const magic = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
  if (magic === expected || (expected === IDX_IMAGES_MAGIC && magic === IDX_CHANNEL_IMAGES_MAGIC)) return;
  const kind = expected === IDX_IMAGES_MAGIC ? 'image' : 'label';
  const swapped = isImagesMagic(magic) || magic === IDX_LABELS_MAGIC;
  throw new DataError(
    `${file} is not an IDX ${kind} file: it starts with ${describeMagic(magic)} where ${kind}s have magic ${expected === IDX_IMAGES_MAGIC ? '2051 (or 2052 with channels)' : expected}. ` +
      (swapped ? 'The image and label files look swapped. ' : '') +
      remedy,
    file,
  );
}

/**
 * A plain Uint8Array view (no copy) of part of `bytes`. `bytes` is often a Node Buffer, whose
 * `slice` shares memory instead of copying; handing out plain views keeps `slice` a copy for
 * every caller.
 */
function plainView(bytes: Uint8Array, offset: number, length: number): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + offset, length);
}

function checkLength(actual: number, expected: number, file: string, what: string, remedy: string): void {
  if (actual < expected) {
    throw new DataError(
      `${file} is truncated: its header promises ${what} (${expected} bytes in all) but the file has only ${actual} bytes. ${remedy}`,
      file,
    );
  }
  if (actual > expected) {
    throw new DataError(
      `${file} is longer than its header says: ${what} take ${expected} bytes, but the file has ${actual} (${actual - expected} extra). It may be a different file with a similar name. ${remedy}`,
      file,
    );
  }
}

export async function readIdxImages(file: string, remedy = DEFAULT_REMEDY): Promise<IdxImages> {
  return parseIdxImages(await readIdxBytes(file, remedy), file, remedy);
}

export async function readIdxLabels(file: string, classes: number, remedy = DEFAULT_REMEDY): Promise<IdxLabels> {
  return parseIdxLabels(await readIdxBytes(file, remedy), file, classes, remedy);
}

/** Images and their labels, checked to agree in count. */
export async function readIdxPair(
  imagesFile: string,
  labelsFile: string,
  classes: number,
  remedy = DEFAULT_REMEDY,
): Promise<{ images: IdxImages; labels: IdxLabels }> {
  const [images, labels] = await Promise.all([readIdxImages(imagesFile, remedy), readIdxLabels(labelsFile, classes, remedy)]);
  if (images.count !== labels.count) {
    throw new DataError(
      `${imagesFile} holds ${images.count} images but ${labelsFile} holds ${labels.count} labels; every image needs exactly one label. ` +
        `The two files probably come from different datasets or splits. ${remedy}`,
      imagesFile,
    );
  }
  return { images, labels };
}

/** Reads only the header (decompressing just enough of a .gz), for listings and `mfx check`. */
export async function readIdxHeader(file: string, remedy = DEFAULT_REMEDY): Promise<IdxHeader> {
  let raw: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      const buf = Buffer.alloc(HEAD_READ_BYTES);
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
      raw = buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw fileAccessError(file, err);
  }
  return headerFrom(raw, file, remedy);
}

/** readIdxHeader without waiting on the event loop, for the compiler's dataset reader. */
export function readIdxHeaderSync(file: string, remedy = DEFAULT_REMEDY): IdxHeader {
  let raw: Buffer;
  try {
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(HEAD_READ_BYTES);
      raw = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw fileAccessError(file, err);
  }
  return headerFrom(raw, file, remedy);
}

/** A whole label file read synchronously, validated, with no class bound (the caller learns the classes from it). */
export function readIdxLabelsSync(file: string, remedy = DEFAULT_REMEDY): IdxLabels {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (err) {
    throw fileAccessError(file, err);
  }
  let bytes: Uint8Array = raw;
  if (isGzip(raw)) {
    try {
      bytes = gunzipSync(raw);
    } catch (err) {
      throw new DataError(`${file} looks like a gzip file but cannot be decompressed (${(err as Error).message}); it is probably truncated or corrupt. ${remedy}`, file);
    }
  }
  return parseIdxLabels(bytes, file, 256, remedy);
}

// 64 KiB of a gzip stream decompress to far more than a header.
const HEAD_READ_BYTES = 64 * 1024;

function headerFrom(raw: Buffer, file: string, remedy: string): IdxHeader {
  let head: Uint8Array = raw.subarray(0, MAX_HEADER_BYTES);
  if (isGzip(raw)) {
    // A sync flush lets zlib return the prefix it has without complaining that the stream is unfinished.
    try {
      head = gunzipSync(raw, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).subarray(0, MAX_HEADER_BYTES);
    } catch (err) {
      throw new DataError(`${file} looks like a gzip file but cannot be decompressed (${(err as Error).message}). ${remedy}`, file);
    }
  }
  if (head.length < LABELS_HEADER_BYTES) {
    throw new DataError(`${file} is too short to be an IDX file (${head.length} bytes). ${remedy}`, file);
  }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const magic = view.getUint32(0);
  if (magic === IDX_LABELS_MAGIC) return { kind: 'labels', file, count: view.getUint32(4) };
  if (isImagesMagic(magic) && head.length >= imagesHeaderBytes(magic)) {
    return { kind: 'images', file, ...imageDims(head, magic) };
  }
  throw new DataError(`${file} is not an IDX file: it starts with ${describeMagic(magic)}. ${remedy}`, file);
}
