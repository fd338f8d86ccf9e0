// The images a run trains and evaluates on: the training set and, on demand, each test set
// (generated once per (name, seed) and kept for the rest of the run).
import type { DatasetSpec, ModelSpec } from '../../compiler/plan.js';
import type { TestSetRef } from '../../compiler/test-sets.js';
import type { Subset } from '../events.js';
import type { Images } from '../training/image-batch.js';
import { loadDataset, type Dataset } from '../data/datasets.js';
import { DataError } from '../data/errors.js';
import { dimsText } from '../data/idx.js';
import type { ImageSet } from '../data/image-set.js';
import { makeTestSet } from '../data/test-sets.js';

export interface RunData {
  train: Images;
  /** The validation split (`validation N` in the Plan), absent without one. */
  validation?: Images;
  classes: number;
  /** A test set; `seed` (the Plan's seed, the same for every repeat) drives generated fillings. */
  testSet(ref: TestSetRef, seed: number): Images;
  /**
   * The same data in SharedArrayBuffers, with the named test sets made for `seed`: --jobs worker
   * threads get it without a copy (runDataFromShared), and the caller should go on with
   * `runDataFromShared(shared)` too, so that its own unshared arrays can be freed. Absent on data
   * not loaded by loadRunData.
   */
  share?(testSets: readonly TestSetRef[], seed: number): SharedRunData;
}

/** A dataset and prepared test sets whose arrays live in SharedArrayBuffers (structured clone shares them). */
export interface SharedRunData {
  dataset: Dataset;
  /** Keyed `name\0seed`. */
  testSets: Record<string, ImageSet>;
}

/** What the compiled model expects of the data: one image's shape and the class count. */
export type ModelInput = Pick<ModelSpec, 'inputShape' | 'classes'>;

export type LoadRunData = (spec: DatasetSpec, subset: Subset, model?: ModelInput, validation?: number) => Promise<RunData>;

/**
 * Loads the Plan's dataset through runtime/data (DataError when the files are missing or bad,
 * when a label is not below the model's class count, or when the images are not the shape the
 * model was compiled for, e.g. files replaced since `mfx check`).
 */
export const loadRunData: LoadRunData = async (spec, subset, model, validation) => {
  const ds = await loadDataset(spec, { trainSubset: subset.train, testSubset: subset.test, classes: model?.classes, validation });
  if (model) {
    const [h, w, c] = model.inputShape;
    if (ds.height !== h || ds.width !== w || ds.channels !== c) {
      throw new DataError(
        `The images in ${ds.source} are ${dimsText(ds.height, ds.width, ds.channels)} pixels, but the model was compiled for ${dimsText(h, w, c)}. ` +
          'Run the .mfx file again so it is compiled against the data as it is now.',
        ds.source,
      );
    }
  }
  return runDataFrom(ds, new Map());
};

/** RunData over data another thread shared (see RunData.share). */
export function runDataFromShared(shared: SharedRunData): RunData {
  return runDataFrom(shared.dataset, new Map(Object.entries(shared.testSets)));
}

const testSetKey = (name: string, seed: number) => `${name}\u0000${seed}`;

function runDataFrom(ds: Dataset, cache: Map<string, ImageSet>): RunData {
  const testSet = (ref: TestSetRef, seed: number): ImageSet => {
    const key = testSetKey(ref.name, seed);
    let set = cache.get(key);
    if (!set) {
      set = makeTestSet(ref, ds, seed);
      cache.set(key, set);
    }
    return set;
  };
  return {
    train: ds.train,
    ...(ds.validation ? { validation: ds.validation } : {}),
    classes: ds.classes,
    testSet,
    share(refs, seed) {
      const testSets: Record<string, ImageSet> = {};
      for (const ref of refs) {
        const set = testSet(ref, seed);
        testSets[testSetKey(ref.name, seed)] = { ...set, images: sharedCopy(set.images), labels: sharedCopy(set.labels) };
      }
      return { dataset: shareDataset(ds), testSets };
    },
  };
}

function sharedCopy<T extends Float32Array | Uint8Array>(a: T): T {
  const Ctor = a.constructor as { new (buffer: SharedArrayBuffer): T };
  const out = new Ctor(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

function shareDataset(ds: Dataset): Dataset {
  const poolImages = sharedCopy(ds.testPool.images);
  const poolLabels = sharedCopy(ds.testPool.labels);
  return {
    ...ds,
    train: { ...ds.train, images: sharedCopy(ds.train.images), labels: sharedCopy(ds.train.labels) },
    ...(ds.validation ? { validation: { ...ds.validation, images: sharedCopy(ds.validation.images), labels: sharedCopy(ds.validation.labels) } } : {}),
    // The used test images are a prefix of the pool: views of the shared pool, as loadDataset makes them.
    test: { images: poolImages.subarray(0, ds.test.images.length), labels: poolLabels.subarray(0, ds.test.labels.length), n: ds.test.n },
    testPool: { images: poolImages, labels: poolLabels, n: ds.testPool.n },
  };
}
