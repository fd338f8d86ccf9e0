import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { tcutSquareMap } from '../../runtime/data/occlusions.js';
import { tempDir } from '../runtime/data/idx-fixture.js';
import { runMfx } from './data-helpers.js';

describe('mfx data show', () => {
  it('renders sample images of a test set in the terminal', async () => {
    const r = await runMfx(['data', 'show', 'pmnist.hcut', '--count', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pmnist.hcut: top half set to black (r < 14): 392 of 784 pixels (mnist, 10000 test images, seed 1)');
    expect(r.stdout).toContain('#0 label 7');
    expect(r.stdout).toContain('#1 label 2');
    expect(r.stdout).toMatch(/[█▀▄]/);
    // The top half is black, so the first 7 text rows (14 pixel rows) are empty.
    const art = r.stdout.split('\n').slice(2, 16);
    expect(art.slice(0, 7).every((l) => l.trim() === '')).toBe(true);
    expect(art.slice(7).some((l) => l.trim() !== '')).toBe(true);
  });

  it('writes a PNG grid whose digits have three black squares', async () => {
    const file = path.join(tempDir(), 'tcut.png');
    const r = await runMfx(['data', 'show', 'pmnist.tcut', '--png', file, '--count', '1', '--no-outline']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Wrote ${file}: the first 64 images of pmnist.tcut in a 8x8 grid`);
    const png = PNG.sync.read(readFileSync(file));
    // 8 cells of 28*3 px plus 2 px borders; each cell has a 14 px caption strip.
    expect(png.width).toBe(8 * (84 + 2) + 2);
    expect(png.height).toBe(8 * (84 + 14 + 2) + 2);
    const squares = tcutSquareMap(28, 28);
    let inkInSquares = 0;
    let inkElsewhere = 0;
    for (let cell = 0; cell < 64; cell++) {
      const x0 = (cell % 8) * 86 + 2;
      const y0 = Math.floor(cell / 8) * 100 + 2;
      for (let r28 = 0; r28 < 28; r28++) {
        for (let c28 = 0; c28 < 28; c28++) {
          const o = ((y0 + r28 * 3 + 1) * png.width + x0 + c28 * 3 + 1) * 4;
          const v = png.data[o];
          if (squares[r28 * 28 + c28]) inkInSquares += v;
          else inkElsewhere += v;
        }
      }
    }
    expect(inkInSquares).toBe(0);
    expect(inkElsewhere).toBeGreaterThan(64 * 10 * 255);
  });

  it('outlines the removed region by default', async () => {
    const file = path.join(tempDir(), 'dcut.png');
    const r = await runMfx(['data', 'show', 'pmnist.dcut', '--png', file, '--grid', '2', '--count', '1']);
    expect(r.code).toBe(0);
    const png = PNG.sync.read(readFileSync(file));
    expect(png.width).toBe(2 * 86 + 2);
    // Top-right quarter begins at column 15: its top-left scaled pixel is outline red.
    const o = ((2 + 0) * png.width + 2 + 15 * 3) * 4;
    expect(Array.from(png.data.subarray(o, o + 3))).toEqual([160, 40, 40]);
  });

  it('generates fillings from --seed', async () => {
    const a = await runMfx(['data', 'show', 'pmnist-fill.noise', '--count', '1', '--seed', '4']);
    const c = await runMfx(['data', 'show', 'pmnist-fill.noise', '--count', '1', '--seed', '5']);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('seed 4');
    // Same seed, same images is tested in test/runtime/data; here the flag must reach the generator.
    expect(a.stdout.replace('seed 4', 'seed 5')).not.toBe(c.stdout);
  });

  it('rejects an unknown test set with the names that exist', async () => {
    const r = await runMfx(['data', 'show', 'pmnist.xcut']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('There is no test set called pmnist.xcut');
    expect(r.stderr).toContain('pmnist.tcut');
  });

  it('rejects a --dataset that does not own the test set', async () => {
    const r = await runMfx(['data', 'show', 'pmnist.hcut', '--dataset', 'fashion-mnist']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('belongs to the mnist dataset');
  });

  it('explains a PNG path that cannot be written', async () => {
    const r = await runMfx(['data', 'show', 'pmnist.tcut', '--count', '1', '--png', path.join(tempDir(), 'no', 'such', 'x.png')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot write .*x\.png: a folder on the way does not exist \(ENOENT\)\. Create it/);
  });

  it('rejects a bad --seed or an oversized --grid as usage errors', async () => {
    expect((await runMfx(['data', 'show', 'pmnist.tcut', '--seed', 'abc'])).code).toBe(2);
    const r = await runMfx(['data', 'show', 'pmnist.tcut', '--grid', '100']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('at most 32');
  });
});

describe('mfx data show, as a user runs it', () => {
  it('prints one paragraph and exits 1 for a missing IDX folder, without a stack trace', async () => {
    const { spawnSync } = await import('node:child_process');
    const { builtMfx } = await import('../helpers/built-cli.js');
    const dir = path.join(tempDir(), 'absent');
    const r = spawnSync(process.execPath, [builtMfx(), 'data', 'show', 'pidx.hcut', '--dir', dir], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`mfx: error: The dataset folder ${dir} does not exist. ${'Check the folder given to `dataset idx`'}; it must hold train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each may end in .gz; colour images may be idx4).\n`);
  });

  it('asks for --dir for an IDX test set', async () => {
    const r = await runMfx(['data', 'show', 'pidx.hcut']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--dir FOLDER');
  });
});
