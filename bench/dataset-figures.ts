// Makes the figures of docs/language.md's `## Datasets` section: MNIST's test digits padded to
// 32x32 and tinted one colour per class, written as an IDX folder with channels ([n, 32, 32, 3],
// magic 2052), then shown with `mfx data show --png` for each cut.
//   npx tsx bench/dataset-figures.ts
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../cli/main.js';
import { loadDataset } from '../runtime/data/datasets.js';

const OUT = new URL('../docs/datasets/', import.meta.url).pathname;
const N = 64;
const SIZE = 32;
const PAD = 2;
/** A colour per class, so the figure shows that every channel is cut. */
const TINTS = [
  [255, 90, 90], [90, 200, 255], [255, 210, 60], [120, 255, 120], [230, 120, 255],
  [255, 150, 40], [80, 255, 220], [255, 255, 255], [160, 160, 255], [255, 120, 190],
];

function header(magic: number, dims: number[]): Buffer {
  const b = Buffer.alloc(4 + 4 * dims.length);
  b.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
  return b;
}

const mnist = await loadDataset({ kind: 'mnist' }, { trainSubset: 1, testSubset: N });
const pixels = Buffer.alloc(N * SIZE * SIZE * 3);
for (let i = 0; i < N; i++) {
  const tint = TINTS[mnist.test.labels[i]];
  for (let r = 0; r < 28; r++) {
    for (let c = 0; c < 28; c++) {
      const v = mnist.test.images[i * 784 + r * 28 + c];
      const o = ((i * SIZE + r + PAD) * SIZE + c + PAD) * 3;
      for (let ch = 0; ch < 3; ch++) pixels[o + ch] = Math.round((v * tint[ch]) / 255);
    }
  }
}
const labels = Buffer.from(mnist.test.labels);
const dir = mkdtempSync(path.join(tmpdir(), 'mfx-colour-mnist-'));
mkdirSync(dir, { recursive: true });
const images = Buffer.concat([header(2052, [N, SIZE, SIZE, 3]), pixels]);
const labelFile = Buffer.concat([header(2049, [N]), labels]);
for (const split of ['train', 't10k']) {
  writeFileSync(path.join(dir, `${split}-images-idx4-ubyte`), images);
  writeFileSync(path.join(dir, `${split}-labels-idx1-ubyte`), labelFile);
}

const show = (set: string, file: string, extra: string[] = []) =>
  main(['data', 'show', set, '--grid', '4', '--count', '1', '--png', path.join(OUT, file), ...extra], { stdout: process.stdout, stderr: process.stderr });
await show('pmnist.tcut', 'mnist-28-tcut.png');
for (const cut of ['hcut', 'vcut', 'dcut', 'tcut']) await show(`pidx.${cut}`, `colour-32-${cut}.png`, ['--dir', dir]);
