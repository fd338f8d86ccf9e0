// The compiler's dataset reader: shape and class count from headers and labels, cached per
// file size and modification time.
import { utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDatasetInfoReader, describeDataset } from '../../../runtime/data/dataset-info.js';
import { classPatternContents, idxLabelsBytes, idxImagesBytes, writeIdxFolder } from './idx-fixture.js';

describe('the dataset reader', () => {
  it('reads the shape from the headers and the class count from the labels (largest + 1)', () => {
    const read = createDatasetInfoReader();
    const colour = writeIdxFolder(classPatternContents({ classes: 7, train: 14, test: 7, size: 12, channels: 3 }), { gzip: true });
    expect(read({ kind: 'idx', dir: colour })).toEqual({
      kind: 'found',
      shape: { height: 12, width: 12, channels: 3, classes: 7 },
      labelsFile: path.join(colour, 'train-labels-idx1-ubyte.gz'),
      trainImages: 14,
    });
    expect(read({ kind: 'mnist' })).toEqual({ kind: 'found', shape: { height: 28, width: 28, channels: 1, classes: 10 }, trainImages: 60_000 });
    expect(read({ kind: 'idx', dir: path.join(colour, 'nope') })).toMatchObject({ kind: 'absent' });
  });

  it('takes the largest label of either split, and names the file it is in', () => {
    const c = classPatternContents({ classes: 5, train: 10, test: 5, size: 8 });
    const dir = writeIdxFolder({ ...c, testLabels: idxLabelsBytes([0, 1, 2, 3, 26]) });
    expect(createDatasetInfoReader()({ kind: 'idx', dir })).toMatchObject({ shape: { classes: 27 }, labelsFile: path.join(dir, 't10k-labels-idx1-ubyte') });
  });

  it('reads again when a file changes size or time, and not otherwise', () => {
    const read = createDatasetInfoReader();
    const c = classPatternContents({ classes: 5, train: 10, test: 5, size: 8 });
    const dir = writeIdxFolder(c);
    expect(read({ kind: 'idx', dir })).toMatchObject({ shape: { classes: 5 } });
    const labels = path.join(dir, 'train-labels-idx1-ubyte');
    // Same size, same time: the cached answer stands even though the content changed.
    const past = new Date(Date.now() - 60_000);
    utimesSync(labels, past, past);
    expect(read({ kind: 'idx', dir })).toMatchObject({ shape: { classes: 5 } });
    writeFileSync(labels, idxLabelsBytes(Array.from({ length: 10 }, (_, i) => (i === 3 ? 9 : 0))));
    utimesSync(labels, past, past);
    expect(read({ kind: 'idx', dir })).toMatchObject({ shape: { classes: 5 } });
    const later = new Date(Date.now());
    utimesSync(labels, later, later);
    expect(read({ kind: 'idx', dir })).toMatchObject({ shape: { classes: 10 } });
  });

  it('says what is wrong with a folder that is there but unusable, naming the file', () => {
    const read = createDatasetInfoReader();
    const c = classPatternContents({ classes: 5, train: 10, test: 5, size: 8 });
    const swapped = writeIdxFolder({ ...c, testImages: c.testLabels });
    const r = read({ kind: 'idx', dir: swapped });
    expect(r.kind).toBe('invalid');
    expect(r.kind === 'invalid' && r.message).toContain(`${path.join(swapped, 't10k-images-idx3-ubyte')} is a label file where an image file belongs`);
    const counts = writeIdxFolder({ ...c, trainImages: idxImagesBytes(9, 8, 8, () => 1) });
    const r2 = read({ kind: 'idx', dir: counts });
    expect(r2.kind === 'invalid' && r2.message).toContain('holds 9 images but');
  });

  it('describes a dataset for `mfx data list`', async () => {
    const dir = writeIdxFolder(classPatternContents({ classes: 47, train: 47, test: 47, size: 28 }));
    expect(await describeDataset({ kind: 'idx', dir })).toMatchObject({ trainCount: 47, testCount: 47, height: 28, width: 28, channels: 1, classes: 47 });
  });
});
