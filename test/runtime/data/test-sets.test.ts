import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveTestSet, testSetCatalogue, type TestSetRef } from '../../../compiler/test-sets.js';

const ref = (name: string): TestSetRef => resolveTestSet(name)!;
import type { Dataset } from '../../../runtime/data/datasets.js';
import { loadDataset, MNIST_MEAN, MNIST_STD } from '../../../runtime/data/datasets.js';
import { normalisePixels } from '../../../runtime/data/image-set.js';
import { isOccluded, occlusionMask, tcutSquareMap, tcutSquares } from '../../../runtime/data/occlusions.js';
import { describeTestSet, makeRawTestSet, makeTestSet, researchGaussianKernel, testSetUsesSeed } from '../../../runtime/data/test-sets.js';
import { classPatternContents, syntheticContents, writeIdxFolder } from './idx-fixture.js';

const sum = (a: Uint8Array): number => a.reduce((x, y) => x + y, 0);
const sha = (a: Uint8Array): string => createHash('sha256').update(a).digest('hex');
const P = 784;
/** Byte-wise equality; far faster than deep-equal on typed arrays of thousands of elements. */
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));

let mnist: Dataset;
let mnist10: Dataset;
beforeAll(async () => {
  mnist = await loadDataset({ kind: 'mnist' }, { trainSubset: 1, testSubset: 30 });
  mnist10 = await loadDataset({ kind: 'mnist' }, { trainSubset: 1, testSubset: 10 });
});

describe('occlusion masks (the talk\'s rules on the 28x28 grid)', () => {
  it('remove exactly the published pixel counts', () => {
    expect(sum(occlusionMask('unmodified', 28, 28))).toBe(0);
    expect(sum(occlusionMask('hcut', 28, 28))).toBe(14 * 28); // 392
    expect(sum(occlusionMask('vcut', 28, 28))).toBe(14 * 28); // 392
    expect(sum(occlusionMask('dcut', 28, 28))).toBe(14 * 13 + 13 * 14); // 364: row and column 14 survive
    expect(sum(occlusionMask('tcut', 28, 28))).toBe(3 * 9 * 9); // 243
  });

  it('places the three triple-cut squares as 9x9 blocks at the rule\'s corners', () => {
    const map = tcutSquareMap(28, 28);
    const cells = (s: number): [number, number][] => [...map.keys()].filter((p) => map[p] === s).map((p) => [Math.floor(p / 28), p % 28]);
    const box = (s: number): number[] => {
      const c = cells(s);
      return [Math.min(...c.map((x) => x[0])), Math.max(...c.map((x) => x[0])), Math.min(...c.map((x) => x[1])), Math.max(...c.map((x) => x[1])), c.length];
    };
    expect(box(1)).toEqual([6, 14, 6, 14, 81]);
    expect(box(2)).toEqual([18, 26, 11, 19, 81]);
    expect(box(3)).toEqual([8, 16, 17, 25, 81]);
  });

  it('keep the boundary pixels the strict inequalities keep', () => {
    expect(isOccluded('hcut', 13, 0)).toBe(true);
    expect(isOccluded('hcut', 14, 0)).toBe(false);
    expect(isOccluded('dcut', 0, 14)).toBe(false);
    expect(isOccluded('dcut', 14, 0)).toBe(false);
    expect(isOccluded('dcut', 13, 15)).toBe(true);
    expect(isOccluded('tcut', 5, 6)).toBe(false);
    expect(isOccluded('tcut', 27, 15)).toBe(false);
  });

  it('are bit-identical at 28x28 to the research code\'s literal rules (mnist.py)', () => {
    // The rules exactly as the research code writes them, on the 28x28 grid.
    const research: Record<string, (r: number, c: number) => boolean> = {
      hcut: (r) => r < 14,
      vcut: (_r, c) => c < 14,
      dcut: (r, c) => (r < 14 && c > 14) || (r > 14 && c < 14),
      tcut: (r, c) => (r > 5 && r < 15 && c > 5 && c < 15) || (r > 17 && r < 27 && c > 10 && c < 20) || (r > 7 && r < 17 && c > 16 && c < 26),
    };
    for (const [occlusion, rule] of Object.entries(research)) {
      const expected = Uint8Array.from({ length: P }, (_, p) => (rule(Math.floor(p / 28), p % 28) ? 1 : 0));
      expect(Buffer.from(occlusionMask(occlusion as 'hcut', 28, 28)).equals(Buffer.from(expected)), occlusion).toBe(true);
    }
    // And to the masks mfx made before masks were defined for any size (sha256 of the bytes).
    const sha = (m: Uint8Array) => createHash('sha256').update(m).digest('hex').slice(0, 16);
    expect(['hcut', 'vcut', 'dcut', 'tcut'].map((o) => sha(occlusionMask(o as 'hcut', 28, 28)))).toEqual([
      '96aa69eaf6a030e4',
      'fbe9902bb198e918',
      'c1ca7ad0ed3cdd73',
      '5be891535ef3c04a',
    ]);
    expect(sha(tcutSquareMap(28, 28))).toBe('daa09ccdafc1cfd0');
  });

  it('take halves and quarters as fractions and scale the 9x9-of-28 squares at 32x32', () => {
    expect(sum(occlusionMask('hcut', 32, 32))).toBe(16 * 32);
    expect(sum(occlusionMask('vcut', 32, 32))).toBe(16 * 32);
    // Row and column 16 (the middle of an even size) survive, as 14 does at 28.
    expect(sum(occlusionMask('dcut', 32, 32))).toBe(2 * 16 * 15);
    expect(isOccluded('dcut', 0, 16, 32, 32)).toBe(false);
    expect(isOccluded('dcut', 15, 17, 32, 32)).toBe(true);
    // Squares: side round(9*32/28) = 10, first rows/columns round(start*32/28).
    expect(tcutSquares(32, 32)).toEqual([
      { r0: 7, r1: 17, c0: 7, c1: 17 },
      { r0: 21, r1: 31, c0: 13, c1: 23 },
      { r0: 9, r1: 19, c0: 19, c1: 29 },
    ]);
    expect(sum(occlusionMask('tcut', 32, 32))).toBe(3 * 10 * 10);
    // A non-square image scales rows and columns separately; odd sizes have no surviving middle line.
    expect(sum(occlusionMask('hcut', 27, 40))).toBe(14 * 40);
    expect(tcutSquares(14, 14).map((q) => [q.r1 - q.r0, q.c1 - q.c0])).toEqual([[5, 5], [5, 5], [5, 5]]);
  });

  it('scale to other image sizes by the same fractions', () => {
    expect(sum(occlusionMask('hcut', 16, 16))).toBe(8 * 16);
    expect(sum(occlusionMask('vcut', 56, 56))).toBe(28 * 56);
    expect(sum(occlusionMask('tcut', 56, 56))).toBe(4 * 243);
  });
});

describe('occluded PMNIST test sets', () => {
  it('set exactly the masked raw pixels to 0 and keep the rest', () => {
    for (const occlusion of ['hcut', 'vcut', 'dcut', 'tcut'] as const) {
      const raw = makeRawTestSet(ref(`pmnist.${occlusion}`), mnist, 1);
      const mask = occlusionMask(occlusion, 28, 28);
      expect(raw.n).toBe(30);
      const expected = mnist.test.images.map((v, k) => (mask[k % P] ? 0 : v));
      expect(same(raw.images, expected)).toBe(true);
      expect(same(raw.labels, mnist.test.labels)).toBe(true);
    }
  });

  it('leave the unmodified set equal to the test images', () => {
    expect(same(makeRawTestSet(ref('pmnist.unmodified'), mnist, 1).images, mnist.test.images)).toBe(true);
  });

  it('normalise after occluding: removed pixels become (0 - mean) / std', () => {
    const set = makeTestSet(ref('pmnist.tcut'), mnist, 1);
    expect(set).toMatchObject({ name: 'pmnist.tcut', n: 30, height: 28, width: 28, channels: 1 });
    expect(set.images[8 * 28 + 20]).toBeCloseTo(-MNIST_MEAN / MNIST_STD, 6); // square 3
    expect(set.normalisation).toEqual({ mean: [MNIST_MEAN], std: [MNIST_STD] });
  });

  it('normalise exactly the raw set, for every name in the catalogue', () => {
    for (const name of testSetCatalogue(mnist.spec)) {
      const set = makeTestSet(ref(name), mnist, 4);
      const expected = normalisePixels(makeRawTestSet(ref(name), mnist, 4).images, MNIST_MEAN, MNIST_STD);
      expect(Buffer.from(set.images.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
      expect(same(set.labels, mnist.test.labels)).toBe(true);
    }
  });

  it('never change the dataset they are generated from', () => {
    const before = sha(mnist.testPool.images);
    for (const name of testSetCatalogue(mnist.spec)) {
      makeRawTestSet(ref(name), mnist, 3);
      makeTestSet(ref(name), mnist, 3);
    }
    expect(sha(mnist.testPool.images)).toBe(before);
  });

  it('do not depend on the seed, and say so', () => {
    for (const name of ['pmnist.unmodified', 'pmnist.dcut', 'pmnist.tcut', 'pmnist-fill.blur']) {
      expect(same(makeRawTestSet(ref(name), mnist, 1).images, makeRawTestSet(ref(name), mnist, 99).images)).toBe(true);
      expect(testSetUsesSeed(ref(name).variant)).toBe(false);
    }
    for (const name of ['pmnist-fill.noise', 'pmnist-fill.digit', 'pmnist-fill.digits3']) expect(testSetUsesSeed(ref(name).variant)).toBe(true);
  });

  it('are made from resolved names only: a name outside the catalogue resolves to nothing', () => {
    expect(resolveTestSet('pmnist.xcut')).toBeNull();
    expect(resolveTestSet('pmnist-fill.noise')).toEqual({ name: 'pmnist-fill.noise', family: 'pmnist', variant: { kind: 'tcut-fill', fill: 'noise' } });
  });

  it('are described with their pixel counts', () => {
    expect(describeTestSet(ref('pmnist.hcut').variant, 28, 28)).toContain('392 of 784');
    expect(describeTestSet(ref('pmnist.dcut').variant, 28, 28)).toContain('364 of 784');
    expect(describeTestSet(ref('pmnist-fill.noise').variant, 28, 28)).toContain('243');
  });
});

describe('triple-cut fillings', () => {
  const tcut = occlusionMask('tcut', 28, 28);
  const squares = tcutSquareMap(28, 28);

  it('change only the triple-cut pixels', () => {
    for (const fill of ['noise', 'blur', 'digit', 'digits3']) {
      const raw = makeRawTestSet(ref(`pmnist-fill.${fill}`), mnist, 1);
      const outside = (a: Uint8Array): Uint8Array => a.map((v, k) => (tcut[k % P] ? 0 : v));
      expect(same(outside(raw.images), outside(mnist.test.images))).toBe(true);
      expect(same(raw.images, mnist.test.images)).toBe(false);
    }
  });

  it('are deterministic from the seed, and differ between seeds where random', () => {
    for (const fill of ['noise', 'digit', 'digits3']) {
      const a = makeRawTestSet(ref(`pmnist-fill.${fill}`), mnist, 7).images;
      expect(same(makeRawTestSet(ref(`pmnist-fill.${fill}`), mnist, 7).images, a)).toBe(true);
      expect(same(makeRawTestSet(ref(`pmnist-fill.${fill}`), mnist, 8).images, a)).toBe(false);
    }
  });

  it('give a test subset exactly the first images of the full set', () => {
    for (const fill of ['noise', 'blur', 'digit', 'digits3']) {
      const long = makeRawTestSet(ref(`pmnist-fill.${fill}`), mnist, 5).images;
      const short = makeRawTestSet(ref(`pmnist-fill.${fill}`), mnist10, 5).images;
      expect(same(short, long.subarray(0, 10 * P))).toBe(true);
    }
  });

  it('fill with uniform noise over 0..255', () => {
    const raw = makeRawTestSet(ref('pmnist-fill.noise'), mnist, 1);
    const values: number[] = [];
    for (let i = 0; i < raw.n; i++) for (let p = 0; p < P; p++) if (tcut[p]) values.push(raw.images[i * P + p]);
    expect(Math.min(...values)).toBe(0);
    expect(Math.max(...values)).toBe(255);
    expect(values.reduce((a, b) => a + b, 0) / values.length).toBeGreaterThan(120);
    expect(values.reduce((a, b) => a + b, 0) / values.length).toBeLessThan(135);
  });

  it('blur exactly as the research code does (PyTorch reference for the first 20 images)', () => {
    // Reference: research code's GaussianSmoothing(1, 5, 1) on a reflect-padded image, values
    // written into the squares of a uint8 tensor, computed once with PyTorch 1.13.
    const kernel = researchGaussianKernel();
    expect(kernel.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(kernel[12]).toBeCloseTo(0.0921980, 6);
    const raw = makeRawTestSet(ref('pmnist-fill.blur'), mnist, 1);
    const first20 = raw.images.subarray(0, 20 * P);
    expect(sum(first20)).toBe(466891);
    expect(Array.from(first20.subarray(6 * 28 + 6, 6 * 28 + 15))).toEqual([37, 55, 61, 57, 46, 35, 27, 23, 22]);
    expect(sha(first20)).toBe('c2885ad727e30797b29ac441edd8187d69e3bdf17407ff947409272fef48aa7c');
  });

  /** Indices of pool images of another class whose pixels equal image i's pixels on `where`. */
  function donorsMatching(images: Uint8Array, i: number, where: (p: number) => boolean): number[] {
    const pool = mnist.testPool;
    const found: number[] = [];
    const cells = [...Array(P).keys()].filter(where);
    for (let j = 0; j < pool.n; j++) {
      if (pool.labels[j] === mnist.test.labels[i]) continue;
      if (cells.every((p) => pool.images[j * P + p] === images[i * P + p])) found.push(j);
    }
    return found;
  }

  it('fill all three squares from one other digit of a different class', () => {
    const raw = makeRawTestSet(ref('pmnist-fill.digit'), mnist, 1);
    for (let i = 0; i < 5; i++) expect(donorsMatching(raw.images, i, (p) => tcut[p] === 1).length).toBeGreaterThan(0);
  });

  it('fill each square from a different digit, the first being the one-digit filling\'s donor', () => {
    const three = makeRawTestSet(ref('pmnist-fill.digits3'), mnist, 1);
    const one = makeRawTestSet(ref('pmnist-fill.digit'), mnist, 1);
    for (let i = 0; i < 5; i++) {
      for (const s of [1, 2, 3]) expect(donorsMatching(three.images, i, (p) => squares[p] === s).length).toBeGreaterThan(0);
      const square1 = (a: Uint8Array): number[] => [...Array(P).keys()].filter((p) => squares[p] === 1).map((p) => a[i * P + p]);
      expect(square1(three.images)).toEqual(square1(one.images));
    }
  });

  it('explain when a tiny dataset has too few other-class donors', async () => {
    // A folder whose test labels are all 3 (the first 8 bytes are the IDX header).
    const c = syntheticContents(20, 5);
    c.testLabels = c.testLabels.map((v, k) => (k < 8 ? v : 3));
    const ds = await loadDataset({ kind: 'idx', dir: writeIdxFolder(c) });
    expect(() => makeRawTestSet(ref('pidx-fill.digit'), ds, 1)).toThrow(/needs 1 other test image of a different class/);
  });

  it('work on other image sizes', async () => {
    const ds = await loadDataset({ kind: 'idx', dir: writeIdxFolder(syntheticContents(20, 20, 16)) });
    for (const name of testSetCatalogue(ds.spec)) {
      const set = makeTestSet(ref(name), ds, 2);
      expect(set.images.length).toBe(20 * 16 * 16);
      expect(set.images.every(Number.isFinite)).toBe(true);
    }
  });
});

describe('colour images ([n, h, w, 3] IDX)', () => {
  it('load as NHWC with per-channel normalisation, and every channel of an occluded pixel is cut', async () => {
    const ds = await loadDataset({ kind: 'idx', dir: writeIdxFolder(classPatternContents({ classes: 10, train: 30, test: 12, size: 32, channels: 3 })) });
    expect([ds.height, ds.width, ds.channels, ds.classes]).toEqual([32, 32, 3, 10]);
    expect(ds.mean).toHaveLength(3);
    expect(new Set(ds.mean).size).toBe(3); // the pattern's channels differ
    for (let ch = 0; ch < 3; ch++) {
      let s = 0;
      let s2 = 0;
      const n = ds.train.images.length / 3;
      for (let k = ch; k < ds.train.images.length; k += 3) {
        s += ds.train.images[k];
        s2 += ds.train.images[k] ** 2;
      }
      expect(s / n).toBeCloseTo(0, 4);
      expect(Math.sqrt(s2 / n - (s / n) ** 2)).toBeCloseTo(1, 4);
    }
    const mask = occlusionMask('tcut', 32, 32);
    const raw = makeRawTestSet(ref('pidx.tcut'), ds, 1);
    const set = makeTestSet(ref('pidx.tcut'), ds, 1);
    for (let k = 0; k < raw.images.length; k++) {
      const p = Math.floor(k / 3) % (32 * 32);
      const ch = k % 3;
      expect(raw.images[k]).toBe(mask[p] ? 0 : ds.test.images[k]);
      expect(set.images[k]).toBeCloseTo((raw.images[k] / 255 - ds.mean[ch]) / ds.std[ch], 5);
    }
    // The fillings replace every channel of the squares too, and agree with their raw form.
    for (const fill of ['noise', 'blur', 'digit', 'digits3']) {
      const r = makeRawTestSet(ref(`pidx-fill.${fill}`), ds, 3);
      const f = makeTestSet(ref(`pidx-fill.${fill}`), ds, 3);
      const expected = normalisePixels(r.images, ds.mean, ds.std);
      expect(Buffer.from(f.images.buffer, f.images.byteOffset, f.images.byteLength).equals(Buffer.from(expected.buffer))).toBe(true);
      for (let k = 0; k < r.images.length; k++) if (!mask[Math.floor(k / 3) % (32 * 32)]) expect(r.images[k]).toBe(ds.test.images[k]);
    }
  });
});
