// The compiler's view of a dataset, read at check time without loading the images: the image
// shape from the IDX headers, the class count from the label files (largest label + 1 for an
// IDX folder). Synchronous, because compile() is; cached per file size and modification time,
// so checking many files, or the same file again, reads each dataset once.
import { existsSync, statSync } from 'node:fs';
import type { DatasetInfo, DatasetInfoProvider } from '../../compiler/dataset-info.js';
import type { DatasetSpec } from '../../compiler/plan.js';
import { datasetDir, DATASET_CLASSES, datasetRemedies } from './datasets.js';
import { DataError } from './errors.js';
import { dimsText, readIdxHeaderSync, readIdxLabelsSync } from './idx.js';
import { locateIdxFilesSync, type IdxFileRole } from './idx-folder.js';

/** Sizes of a dataset from the file headers and labels only (fast; for `mfx check` and `mfx data list`). */
export interface DatasetSummary {
  name: DatasetSpec['kind'];
  source: string;
  trainCount: number;
  testCount: number;
  height: number;
  width: number;
  channels: number;
  classes: number;
  /** The label file holding the largest label. */
  labelsFile: string;
}

type Cache = Map<string, DatasetSummary>;

/** A reader with its own cache (the CLI uses the process-wide one below). */
export function createDatasetInfoReader(): DatasetInfoProvider {
  const cache: Cache = new Map();
  return (spec): DatasetInfo => {
    const dir = datasetDir(spec);
    if (spec.kind !== 'mnist' && !existsSync(dir)) return { kind: 'absent', reason: `the folder ${dir} does not exist on this machine` };
    try {
      const s = summarise(spec, cache);
      const shape = { height: s.height, width: s.width, channels: s.channels, classes: s.classes };
      return spec.kind === 'idx' ? { kind: 'found', shape, labelsFile: s.labelsFile, trainImages: s.trainCount } : { kind: 'found', shape, trainImages: s.trainCount };
    } catch (err) {
      if (err instanceof DataError) return { kind: 'invalid', message: err.message };
      throw err;
    }
  };
}

const processCache: Cache = new Map();

/** The process-wide reader that `mfx check`, `plan` and `run` give the compiler. */
export const readDatasetInfo: DatasetInfoProvider = createDatasetInfoReader();

/** The summary of a dataset; DataError (naming the file) when it is missing or unusable. */
export async function describeDataset(spec: DatasetSpec): Promise<DatasetSummary> {
  return summarise(spec, processCache);
}

function summarise(spec: DatasetSpec, cache: Cache): DatasetSummary {
  const dir = datasetDir(spec);
  const remedy = datasetRemedies(spec);
  const files = locateIdxFilesSync(dir, remedy.missing);
  const key = (Object.keys(files) as IdxFileRole[])
    .map((role) => {
      const st = statSync(files[role]);
      return `${files[role]}\u0000${st.size}\u0000${st.mtimeMs}`;
    })
    .join('\u0001');
  const cached = cache.get(key);
  if (cached) return cached;

  const imagesHeader = (file: string) => {
    const head = readIdxHeaderSync(file, remedy.file);
    if (head.kind !== 'images') throw new DataError(`${file} is a label file where an image file belongs. ${remedy.file}`, file);
    return head;
  };
  const trainHead = imagesHeader(files.trainImages);
  const testHead = imagesHeader(files.testImages);
  const trainDims = dimsText(trainHead.height, trainHead.width, trainHead.channels);
  const testDims = dimsText(testHead.height, testHead.width, testHead.channels);
  if (trainDims !== testDims) {
    throw new DataError(
      `The training images in ${files.trainImages} are ${trainDims} pixels but the test images in ${files.testImages} are ${testDims}; ` +
        `both splits must have the same size. ${remedy.file}`,
      files.testImages,
    );
  }
  const labelStats = [
    { labels: readIdxLabelsSync(files.trainLabels, remedy.file), images: trainHead },
    { labels: readIdxLabelsSync(files.testLabels, remedy.file), images: testHead },
  ].map(({ labels, images }) => {
    if (labels.count !== images.count) {
      throw new DataError(
        `${images.file} holds ${images.count} images but ${labels.file} holds ${labels.count} labels; every image needs exactly one label. ` +
          `The two files probably come from different datasets or splits. ${remedy.file}`,
        labels.file,
      );
    }
    let max = 0;
    for (const l of labels.labels) if (l > max) max = l;
    return { file: labels.file, max };
  });
  const top = labelStats[0].max >= labelStats[1].max ? labelStats[0] : labelStats[1];
  if (spec.kind !== 'idx') {
    if (trainDims !== '28x28') {
      throw new DataError(`${files.trainImages} holds ${trainDims} images, but ${spec.kind} images are 28x28; this is not the ${spec.kind} dataset. ${remedy.file}`, files.trainImages);
    }
    if (top.max >= DATASET_CLASSES) {
      throw new DataError(`${top.file} has label ${top.max}, but ${spec.kind} has ${DATASET_CLASSES} classes (labels 0..9). ${remedy.file}`, top.file);
    }
  }
  const summary: DatasetSummary = {
    name: spec.kind,
    source: dir,
    trainCount: trainHead.count,
    testCount: testHead.count,
    height: trainHead.height,
    width: trainHead.width,
    channels: trainHead.channels,
    classes: spec.kind === 'idx' ? top.max + 1 : DATASET_CLASSES,
    labelsFile: top.file,
  };
  cache.set(key, summary);
  return summary;
}
