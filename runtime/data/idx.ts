// IDX files (the MNIST file format): a big-endian header, then unsigned bytes.
//   images: magic 2051 (0x00000803), count, rows, cols, then count*rows*cols pixels (row-major)
//   labels: magic 2049 (0x00000801), count, then count labels
// Files may be plain or gzip-compressed (detected by content, so a misnamed file still loads).
// Every problem becomes a DataError naming the file, what is wrong, and what to do.
import { access, open, readFile } from 'node:fs/promises';
import { constants as zlibConstants, gunzip, gunzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import path from 'node:path';
import { DataError } from './errors.js';

export const IDX_IMAGES_MAGIC = 2051;
export const IDX_LABELS_MAGIC = 2049;
const IMAGES_HEADER_BYTES = 16;
const LABELS_HEADER_BYTES = 8;

/** The remedy appended to file-content errors unless the caller knows a better one. */
export const DEFAULT_REMEDY = 'Replace it with an intact copy (download it again, or point mfx at another folder).';

/** Greyscale images as stored: `pixels[i*height*width + r*width + c]`, 0..255. */
export interface IdxImages {
  file: string;
  count: number;
  height: number;
  width: number;
  pixels: Uint8Array;
}

export interface IdxLabels {
  file: string;
  count: number;
  labels: Uint8Array;
}

/** What the first bytes of an IDX file say, without reading the body. */
export type IdxHeader =
  | { kind: 'images'; file: string; count: number; height: number; width: number }
  | { kind: 'labels'; file: string; count: number };

const gunzipAsync = promisify(gunzip);

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function describeMagic(magic: number): string {
  if (magic === IDX_IMAGES_MAGIC) return 'an IDX image file (magic 2051)';
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
  if (bytes.length < IMAGES_HEADER_BYTES) {
    throw new DataError(
      `${file} is too short to be an IDX image file: it has ${bytes.length} bytes, but the header alone takes ${IMAGES_HEADER_BYTES}. ${remedy}`,
      file,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(4);
  const height = view.getUint32(8);
  const width = view.getUint32(12);
  if (count === 0 || height === 0 || width === 0) {
    throw new DataError(
      `${file} has impossible dimensions in its header: ${count} images of ${height}x${width} pixels (all must be at least 1). ${remedy}`,
      file,
    );
  }
  const expected = IMAGES_HEADER_BYTES + count * height * width;
  checkLength(bytes.length, expected, file, `${count} images of ${height}x${width} pixels`, remedy);
  return { file, count, height, width, pixels: plainView(bytes, IMAGES_HEADER_BYTES, count * height * width) };
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
        `${file} has label ${labels[i]} at position ${i} (0-based), but this dataset has ${classes} classes (labels 0..${classes - 1}). ${remedy}`,
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
  if (magic === expected) return;
  const kind = expected === IDX_IMAGES_MAGIC ? 'image' : 'label';
  const swapped = magic === IDX_IMAGES_MAGIC || magic === IDX_LABELS_MAGIC;
  throw new DataError(
    `${file} is not an IDX ${kind} file: it starts with ${describeMagic(magic)} where ${kind}s have magic ${expected}. ` +
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

/** Reads only the header (first 16 bytes, decompressing just enough of a .gz), for listings. */
export async function readIdxHeader(file: string, remedy = DEFAULT_REMEDY): Promise<IdxHeader> {
  const head = await readHead(file, IMAGES_HEADER_BYTES, remedy);
  if (head.length < LABELS_HEADER_BYTES) {
    throw new DataError(`${file} is too short to be an IDX file (${head.length} bytes). ${remedy}`, file);
  }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const magic = view.getUint32(0);
  if (magic === IDX_LABELS_MAGIC) return { kind: 'labels', file, count: view.getUint32(4) };
  if (magic === IDX_IMAGES_MAGIC && head.length >= IMAGES_HEADER_BYTES) {
    return { kind: 'images', file, count: view.getUint32(4), height: view.getUint32(8), width: view.getUint32(12) };
  }
  throw new DataError(`${file} is not an IDX file: it starts with ${describeMagic(magic)}. ${remedy}`, file);
}

async function readHead(file: string, n: number, remedy: string): Promise<Uint8Array> {
  // 64 KiB of a gzip stream decompress to far more than a header; a sync flush lets zlib
  // return the prefix it has without complaining that the stream is unfinished.
  let head: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      const buf = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw fileAccessError(file, err);
  }
  if (!isGzip(head)) return head.subarray(0, n);
  try {
    return gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).subarray(0, n);
  } catch (err) {
    throw new DataError(`${file} looks like a gzip file but cannot be decompressed (${(err as Error).message}). ${remedy}`, file);
  }
}

/** The four standard file names of an IDX dataset folder (each may also end in .gz). */
export const IDX_FILE_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export type IdxFileRole = keyof typeof IDX_FILE_NAMES;

/**
 * Finds the four standard files in a folder, each plain or .gz (plain wins when both exist).
 * `missingRemedy` says how to get the files when the folder or a file is absent.
 */
export async function locateIdxFiles(dir: string, missingRemedy: string): Promise<Record<IdxFileRole, string>> {
  try {
    await access(dir);
  } catch {
    throw new DataError(`The dataset folder ${dir} does not exist. ${missingRemedy}`, dir);
  }
  const found: Partial<Record<IdxFileRole, string>> = {};
  const missing: string[] = [];
  for (const role of Object.keys(IDX_FILE_NAMES) as IdxFileRole[]) {
    const base = path.join(dir, IDX_FILE_NAMES[role]);
    const candidates = [base, `${base}.gz`];
    let hit: string | undefined;
    for (const c of candidates) {
      try {
        await access(c);
        hit = c;
        break;
      } catch {
        // try the next spelling
      }
    }
    if (hit) found[role] = hit;
    else missing.push(IDX_FILE_NAMES[role]);
  }
  if (missing.length > 0) {
    throw new DataError(
      `The dataset folder ${dir} lacks ${missing.length === 1 ? 'the file' : 'the files'} ${missing.join(', ')} (plain or .gz); ` +
        `an IDX dataset folder needs all four of ${Object.values(IDX_FILE_NAMES).join(', ')}. ${missingRemedy}`,
      path.join(dir, missing[0]),
    );
  }
  return found as Record<IdxFileRole, string>;
}
