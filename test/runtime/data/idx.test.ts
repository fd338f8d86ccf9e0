import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../runtime/data/errors.js';
import { readIdxHeader, readIdxImages, readIdxLabels, readIdxPair } from '../../../runtime/data/idx.js';
import { locateIdxFiles } from '../../../runtime/data/idx-folder.js';
import { idxImagesBytes, idxLabelsBytes, tempDir } from './idx-fixture.js';

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(tempDir(), name);
  writeFileSync(file, bytes);
  return file;
}

/** Runs `work`, expects a DataError, and returns its message. */
async function dataError(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return (err as Error).message;
  }
  throw new Error('expected a DataError, but nothing was thrown');
}

const images = idxImagesBytes(3, 4, 5, (i, p) => i * 20 + p);
const labels = idxLabelsBytes([0, 9, 4]);

describe('IDX reader', () => {
  it('reads plain image and label files', async () => {
    const img = await readIdxImages(write('img', images));
    expect([img.count, img.height, img.width]).toEqual([3, 4, 5]);
    expect(Array.from(img.pixels.subarray(20, 23))).toEqual([20, 21, 22]);
    const lab = await readIdxLabels(write('lab', labels), 10);
    expect(Array.from(lab.labels)).toEqual([0, 9, 4]);
  });

  it('reads gzipped files the same as plain ones', async () => {
    const plain = await readIdxImages(write('img', images));
    const gz = await readIdxImages(write('img.gz', gzipSync(images)));
    expect(gz.pixels).toEqual(plain.pixels);
    const lab = await readIdxLabels(write('lab.gz', gzipSync(labels)), 10);
    expect(Array.from(lab.labels)).toEqual([0, 9, 4]);
  });

  it('hands out views whose slice() is a real copy', async () => {
    const img = await readIdxImages(write('img', images));
    const copy = img.pixels.slice();
    copy[0] = 99;
    expect(img.pixels[0]).toBe(0);
  });

  it('rejects a corrupt magic number, naming the file and both magics', async () => {
    const file = write('img', idxImagesBytes(1, 2, 2, () => 0, 1234));
    const msg = await dataError(() => readIdxImages(file));
    expect(msg).toContain(file);
    expect(msg).toContain('1234');
    expect(msg).toContain('2051');
  });

  it('says when image and label files look swapped', async () => {
    expect(await dataError(() => readIdxImages(write('x', labels)))).toContain('swapped');
    expect(await dataError(() => readIdxLabels(write('y', images), 10))).toContain('swapped');
  });

  it('rejects a truncated image file with both byte counts', async () => {
    const file = write('img', images.subarray(0, images.length - 7));
    const msg = await dataError(() => readIdxImages(file));
    expect(msg).toMatch(/truncated/);
    expect(msg).toContain(`${images.length} bytes`);
    expect(msg).toContain(`${images.length - 7} bytes`);
  });

  it('rejects a truncated label file and a file shorter than its header', async () => {
    expect(await dataError(() => readIdxLabels(write('lab', labels.subarray(0, 9)), 10))).toMatch(/truncated/);
    expect(await dataError(() => readIdxImages(write('img', images.subarray(0, 10))))).toMatch(/too short/);
    expect(await dataError(() => readIdxLabels(write('lab', labels.subarray(0, 3)), 10))).toMatch(/too short/);
  });

  it('rejects trailing bytes after the declared body', async () => {
    const longer = new Uint8Array(images.length + 4);
    longer.set(images);
    expect(await dataError(() => readIdxImages(write('img', longer)))).toMatch(/4 extra/);
  });

  it('rejects zero dimensions', async () => {
    const msg = await dataError(() => readIdxImages(write('img', idxImagesBytes(2, 0, 5, () => 0))));
    expect(msg).toMatch(/impossible dimensions/);
    expect(msg).toContain('0x5');
  });

  it('rejects a label outside the class range, with its position', async () => {
    const msg = await dataError(() => readIdxLabels(write('lab', idxLabelsBytes([1, 2, 10])), 10));
    expect(msg).toContain('label 10 at position 2');
    expect(msg).toContain('0..9');
  });

  it('rejects image and label files whose counts differ', async () => {
    const msg = await dataError(() => readIdxPair(write('img', images), write('lab', idxLabelsBytes([1, 2])), 10));
    expect(msg).toContain('3 images');
    expect(msg).toContain('2 labels');
  });

  it('reports a missing file by path', async () => {
    const file = path.join(tempDir(), 'nope-idx3-ubyte');
    const msg = await dataError(() => readIdxImages(file));
    expect(msg).toContain(file);
    expect(msg).toMatch(/does not exist/);
  });

  it('reports a folder given instead of a file', async () => {
    const dir = tempDir();
    expect(await dataError(() => readIdxImages(dir))).toMatch(/is a folder/);
  });

  it('rejects a corrupt gzip file', async () => {
    const gz = gzipSync(images);
    const file = write('img.gz', gz.subarray(0, gz.length - 10));
    expect(await dataError(() => readIdxImages(file))).toMatch(/cannot be decompressed/);
  });

  it('reads only the header of plain and gzipped files', async () => {
    expect(await readIdxHeader(write('img', images))).toMatchObject({ kind: 'images', count: 3, height: 4, width: 5 });
    expect(await readIdxHeader(write('img.gz', gzipSync(images)))).toMatchObject({ kind: 'images', count: 3 });
    expect(await readIdxHeader(write('lab.gz', gzipSync(labels)))).toMatchObject({ kind: 'labels', count: 3 });
    expect(await dataError(() => readIdxHeader(write('bad', idxLabelsBytes([1], 77))))).toMatch(/not an IDX file/);
  });

  it('locates the four standard names, plain or .gz, and lists the missing ones', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'train-images-idx3-ubyte'), images);
    writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(labels));
    const msg = await dataError(() => locateIdxFiles(dir, 'REMEDY.'));
    expect(msg).toContain('train-labels-idx1-ubyte, t10k-images-idx3-ubyte');
    expect(msg).not.toContain('lacks the files train-images');
    expect(msg).toContain('REMEDY.');
    const missingDir = path.join(dir, 'absent');
    const msg2 = await dataError(() => locateIdxFiles(missingDir, 'REMEDY.'));
    expect(msg2).toContain(`${missingDir} does not exist`);
  });
});
