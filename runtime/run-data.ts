// The images a run trains and evaluates on: the training set and, on demand, each test set
// (generated once per (name, seed) and kept for the rest of the run).
import type { DatasetSpec } from '../compiler/plan.js';
import type { Subset } from './events.js';
import type { Images } from './training/image-batch.js';
import { loadDataset } from './data/datasets.js';
import { makeTestSet } from './data/test-sets.js';

export interface RunData {
  train: Images;
  classes: number;
  /** A test set; `seed` (the Plan's seed, the same for every repeat) drives generated fillings. */
  testSet(name: string, seed: number): Images;
}

export type LoadRunData = (spec: DatasetSpec, subset: Subset) => Promise<RunData>;

/** Loads the Plan's dataset through runtime/data (DataError when the files are missing or bad). */
export const loadRunData: LoadRunData = async (spec, subset) => {
  const ds = await loadDataset(spec, { trainSubset: subset.train, testSubset: subset.test });
  const cache = new Map<string, Images>();
  return {
    train: ds.train,
    classes: ds.classes,
    testSet(name, seed) {
      const key = `${name}\u0000${seed}`;
      let set = cache.get(key);
      if (!set) {
        set = makeTestSet(name, ds, seed);
        cache.set(key, set);
      }
      return set;
    },
  };
};
