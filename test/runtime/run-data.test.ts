// --jobs threads share one copy of the images: RunData.share puts the training set, the raw
// test pool and the prepared test sets into SharedArrayBuffers, and a worker thread given them
// reads and sees the very same memory.
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { loadRunData, runDataFromShared } from '../../runtime/run/run-data.js';
import { resolveTestSet, type TestSetRef } from '../../compiler/test-sets.js';

const ref = (name: string): TestSetRef => resolveTestSet(name)!;

const SPEC = { kind: 'mnist' } as const;

describe('RunData.share', () => {
  it('puts every array in shared memory, with the same contents and test sets', async () => {
    const data = await loadRunData(SPEC as never, { train: 300, test: 50 });
    const shared = data.share!([ref('pmnist.unmodified'), ref('pmnist.tcut')], 7);
    const again = runDataFromShared(shared);
    for (const a of [again.train.images, again.train.labels, shared.dataset.testPool.images, shared.dataset.test.images]) {
      expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
    expect(again.train.images).toEqual(data.train.images);
    expect(again.train.labels).toEqual(data.train.labels);
    for (const name of ['pmnist.unmodified', 'pmnist.tcut', 'pmnist.hcut']) {
      // Prepared sets come from shared memory; others are generated from the shared pool, alike.
      const mine = again.testSet(ref(name), 7);
      expect(mine.images).toEqual(data.testSet(ref(name), 7).images);
      expect(mine.images.buffer instanceof SharedArrayBuffer).toBe(name !== 'pmnist.hcut');
    }
  });

  it('reaches a worker thread without a copy', async () => {
    const data = await loadRunData(SPEC as never, { train: 10, test: 10 });
    const shared = data.share!([ref('pmnist.unmodified')], 1);
    const worker = new Worker('require("node:worker_threads").workerData.train.images[0] = 42; ', {
      eval: true,
      workerData: shared.dataset,
    });
    await new Promise((resolve, reject) => worker.on('exit', resolve).on('error', reject));
    expect(shared.dataset.train.images[0]).toBe(42);
  });
});
