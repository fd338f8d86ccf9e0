// What the compiler needs to know about the data: the image shape and the class count. The
// compiler reads no files; the caller injects a DatasetInfoProvider (the CLI passes
// runtime/data/dataset-info.ts's reader, which looks at the IDX headers and label files).
import type { DatasetSpec } from './plan.js';

/** One image's shape and the number of classes (largest label + 1 for an IDX folder). */
export interface DataShape {
  height: number;
  width: number;
  channels: number;
  classes: number;
}

export type DatasetInfo =
  /** Read from the data. `labelsFile` is the label file with the largest label, when files were read. */
  | { kind: 'found'; shape: DataShape; labelsFile?: string; /** Images in the training file, when known. */ trainImages?: number }
  /** The data is not on this machine: the compiler assumes 28x28x1 and the model's class count (a warning). */
  | { kind: 'absent'; reason: string }
  /** The data is there but cannot be used: `message` names the file and what to do (an error). */
  | { kind: 'invalid'; message: string };

export type DatasetInfoProvider = (spec: DatasetSpec) => DatasetInfo;

/** Images in MNIST's and Fashion-MNIST's training files. */
export const MNIST_TRAIN_IMAGES = 60_000;

/** MNIST's and Fashion-MNIST's shape, and what the compiler assumes for data it cannot read. */
export const MNIST_SHAPE: DataShape = { height: 28, width: 28, channels: 1, classes: 10 };

/**
 * The compiler's own knowledge, for callers that read no files (tests, editors): MNIST and
 * Fashion-MNIST are 28x28x1 with 10 classes by definition; an IDX folder is unknown.
 */
export const knownDatasetInfo: DatasetInfoProvider = (spec) =>
  spec.kind === 'idx' ? { kind: 'absent', reason: 'this caller of the compiler reads no data files' } : { kind: 'found', shape: MNIST_SHAPE, trainImages: MNIST_TRAIN_IMAGES };

/** `28x28x1 images, 10 classes`. */
export function describeShape(s: { height: number; width: number; channels: number }, classes: number | null): string {
  return `${s.height}x${s.width}x${s.channels} images${classes === null ? '' : `, ${classes} classes`}`;
}
