// `mfx run` end to end, in process, on tiny slices of MNIST with the wasm backend.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../cli/main.js';
import { runMain as mfx } from './helpers/run-main.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TINY = ['--backend', 'wasm', '--train-subset', '128', '--test-subset', '50'];


const work = () => mkdtempSync(path.join(tmpdir(), 'mfx-run-cmd-'));
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe('mfx run', () => {
  it('runs examples/quickstart.mfx on a subset and prints the Accuracy/Delta table', async () => {
    const out = path.join(work(), 'qs');
    const r = await mfx(['run', path.join(ROOT, 'examples/quickstart.mfx'), ...TINY, '--out', out, '--reporter', 'plain']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/subset: first 128 training images, first 50 test images per set \(quick look, not a full run\)/);
    expect(r.stdout).toMatch(/pmnist\.tcut/);
    expect(r.stdout).toContain(out);
    const results = readJson(path.join(out, 'results.json'));
    expect(results.status).toBe('done');
    expect(results.backend).toBe('wasm');
    expect(results.subset).toEqual({ train: 128, test: 50 });
    expect(results.table.testSets).toEqual(['pmnist.unmodified', 'pmnist.hcut', 'pmnist.vcut', 'pmnist.dcut', 'pmnist.tcut']);
    const column = results.table.columns[0];
    expect(column.baseline).toMatchObject({ label: 'pretrained' });
    expect(column.cells['pmnist.hcut'].delta).not.toBeNull();
    expect(readFileSync(path.join(out, 'results.md'), 'utf8')).toMatch(/\| pmnist\.hcut \|/);
  });

  it('--seed overrides the file\'s seed', async () => {
    const dir = work();
    const file = path.join(dir, 'seed.mfx');
    writeFileSync(file, 'seed 1\ntrain 1\neval pmnist.unmodified\n');
    const r = await mfx(['run', file, ...TINY, '--seed', '7', '--out', path.join(dir, 'run'), '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(readJson(path.join(dir, 'run', 'results.json')).seeds).toEqual([7]);
    // --resume repeats the override by itself (a finished run resumes to the same results).
    const again = await mfx(['run', file, '--resume', path.join(dir, 'run'), '--quiet']);
    expect(again.code, again.stderr).toBe(0);
    expect(readJson(path.join(dir, 'run', 'results.json')).seeds).toEqual([7]);
  });

  it('save writes weights that load reads back: same network, same accuracy', async () => {
    const dir = work();
    writeFileSync(path.join(dir, 'save.mfx'), 'train 1\nsave "net.mfxw"\neval pmnist.unmodified\n');
    const first = await mfx(['run', path.join(dir, 'save.mfx'), ...TINY, '--out', path.join(dir, 'a'), '--quiet']);
    expect(first.code, first.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'a', 'net.mfxw'))).toBe(true);
    writeFileSync(path.join(dir, 'load.mfx'), 'load "a/net.mfxw"\neval pmnist.unmodified\n');
    const second = await mfx(['run', path.join(dir, 'load.mfx'), ...TINY, '--out', path.join(dir, 'b'), '--quiet']);
    expect(second.code, second.stderr).toBe(0);
    const acc = (run: string) => readJson(path.join(dir, run, 'results.json')).evals[0].accuracy;
    expect(acc('b')).toBe(acc('a'));
  });

  it('shows compile errors and exits 1 without running', async () => {
    const dir = work();
    const file = path.join(dir, 'bad.mfx');
    writeFileSync(file, 'pretrian 3\n');
    const r = await mfx(['run', file, '--out', path.join(dir, 'run')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.mfx:1:1/);
    expect(existsSync(path.join(dir, 'run'))).toBe(false);
  });

  it('explains a missing file, an unavailable backend and conflicting flags in one paragraph', async () => {
    const missing = await mfx(['run', 'no-such-file.mfx']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read no-such-file\.mfx: no such file/);

    const backend = await mfx(['run', path.join(ROOT, 'examples/quickstart.mfx'), '--backend', 'tensorflow', '--out', path.join(work(), 'x')]);
    expect(backend.code).toBe(1);
    expect(backend.stderr).toMatch(/npm install @tensorflow\/tfjs-node/);
    expect(backend.stderr).not.toMatch(/\n\s+at /);

    const both = await mfx(['run', path.join(ROOT, 'examples/quickstart.mfx'), '--out', 'a', '--resume', 'b']);
    expect(both.code).toBe(2);

    const subset = await mfx(['run', path.join(ROOT, 'examples/quickstart.mfx'), '--train-subset', '0']);
    expect(subset.code).toBe(2);
  });
});

describe('mfx run interrupted with Ctrl-C', () => {
  it('keeps what is completed, says how to resume, exits 130; --resume then finishes the run', async () => {
    const dir = work();
    const file = path.join(dir, 'long.mfx');
    writeFileSync(file, 'train 4\neval pmnist.unmodified\n');
    const out = path.join(dir, 'run');
    const args = ['run', file, '--backend', 'wasm', '--train-subset', '512', '--test-subset', '50', '--out', out, '--reporter', 'json'];
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (d) => (err += d));
    let interrupted = false;
    stdout.on('data', (d: Buffer) => {
      // The first completed epoch: now press Ctrl-C (the handler main() installed gets the signal).
      if (!interrupted && d.toString().includes('"type":"epoch-end"')) {
        interrupted = true;
        process.emit('SIGINT');
      }
    });
    const status = await main(args, { stdout, stderr });
    expect(interrupted).toBe(true);
    expect(status).toBe(130);
    expect(err).toContain(`--resume ${out}`);
    expect(readJson(path.join(out, 'results.json')).status).toBe('stopped');

    const resumed = await mfx(['run', file, '--resume', out, '--quiet']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readJson(path.join(out, 'results.json')).status).toBe('done');
  });
});
