// Datasets of any shape and class count, end to end through the mfx command: a generated
// 47-class set (EMNIST balanced's count) and a generated 32x32x3 colour set each check, plan and
// run a few steps; bad data is a clear error naming the file.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classPatternContents, idxChannelImagesBytes, idxLabelsBytes, writeIdxFolder } from '../runtime/data/idx-fixture.js';
import { runMain as mfx } from './helpers/run-main.js';

const TINY = ['--backend', 'wasm', '--no-cache', '--quiet'];
const work = () => mkdtempSync(path.join(tmpdir(), 'mfx-datasets-'));

/** An .mfx file next to a dataset folder; returns the file's path. */
function experiment(dir: string, dataDir: string, body: string): string {
  const file = path.join(dir, 'exp.mfx');
  writeFileSync(file, `dataset idx "${path.relative(dir, dataDir)}"\n${body}`);
  return file;
}

async function checkPlanRun(file: string, dir: string): Promise<{ plan: string; results: { evals: { testSet: string; accuracy: number }[] } }> {
  const check = await mfx(['check', file]);
  expect(check.code, check.stderr).toBe(0);
  expect(check.stdout).toContain('ok');
  const plan = await mfx(['plan', file]);
  expect(plan.code, plan.stderr).toBe(0);
  const out = path.join(dir, 'run');
  const run = await mfx(['run', file, ...TINY, '--out', out]);
  expect(run.code, run.stderr).toBe(0);
  return { plan: plan.stdout, results: JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) };
}

describe('datasets of any shape and class count', () => {
  it('a 47-class 28x28 set checks, plans (47 outputs) and runs', async () => {
    const dir = work();
    const data = writeIdxFolder(classPatternContents({ classes: 47, train: 94, test: 47, size: 28 }), { gzip: true });
    const file = experiment(dir, data, 'batch 32\ntrain 1\neval pidx.*\n');
    const { plan, results } = await checkPlanRun(file, dir);
    expect(plan).toMatch(/dataset +idx \(.*\): 28x28x1 images, 47 classes/);
    const json = JSON.parse((await mfx(['plan', '--json', file])).stdout);
    expect(json.model.classes).toBe(47);
    expect(json.model.params.find((p: { name: string }) => p.name === 'fc2.weight').shape).toEqual([50, 47]);
    expect(results.evals.map((e) => e.testSet)).toEqual(['pidx.unmodified', 'pidx.hcut', 'pidx.vcut', 'pidx.dcut', 'pidx.tcut']);
    for (const e of results.evals) expect(e.accuracy).toBeGreaterThanOrEqual(0);
    const list = await mfx(['data', 'list', '--dataset', 'idx', '--dir', data]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('94 train, 47 test, 28x28x1, 47 classes');
  });

  it('a 32x32x3 colour set checks, plans (3 input channels) and runs, with a model block', async () => {
    const dir = work();
    const data = writeIdxFolder(classPatternContents({ classes: 10, train: 40, test: 20, size: 32, channels: 3 }));
    const model = 'model {\n  conv1: conv 8 5x5\n  pool 2\n  relu\n  flatten\n  out: dense 10\n}\n';
    const file = experiment(dir, data, `${model}pretrain 1\nfreeze conv*\ninvert relu6\nreset out\ntrain 1\neval pidx.*, pidx-fill.noise\n`);
    const { plan, results } = await checkPlanRun(file, dir);
    expect(plan).toMatch(/32x32x3 images, 10 classes/);
    const json = JSON.parse((await mfx(['plan', '--json', file])).stdout);
    expect(json.model.inputShape).toEqual([32, 32, 3]);
    expect(json.model.params.find((p: { name: string }) => p.name === 'conv1.weight').shape).toEqual([5, 5, 3, 8]);
    expect(json.model.params.find((p: { name: string }) => p.name === 'out.weight').shape).toEqual([14 * 14 * 8, 10]);
    expect(results.evals.some((e) => e.testSet === 'pidx-fill.noise')).toBe(true);
    // `mfx data show` describes the scaled cut and draws the colour images.
    const png = path.join(dir, 'tcut.png');
    const show = await mfx(['data', 'show', 'pidx.tcut', '--dir', data, '--grid', '2', '--no-outline', '--png', png]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('pidx.tcut: three 10x10 squares set to black: 300 of 1024 pixels');
    const { PNG } = await import('pngjs');
    const image = PNG.sync.read(readFileSync(png));
    let coloured = 0;
    for (let o = 0; o < image.data.length; o += 4) if (image.data[o] !== image.data[o + 1] || image.data[o + 1] !== image.data[o + 2]) coloured++;
    expect(coloured).toBeGreaterThan(100);
  });

  it('colour images learn, and train the same on the wasm kernels as on the cpu backend', async () => {
    const dir = work();
    const data = writeIdxFolder(classPatternContents({ classes: 10, train: 200, test: 50, size: 32, channels: 3 }));
    const run = async (body: string, backend: string, subset: string[]) => {
      const file = experiment(dir, data, body);
      const out = path.join(dir, `${backend}-${subset.length}`);
      const r = await mfx(['run', file, '--backend', backend, '--no-cache', '--quiet', '--no-report', ...subset, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')).evals as { accuracy: number }[]).map((e) => e.accuracy);
    };
    const learnt = await run('batch 20\ntrain 2\neval pidx.unmodified\n', 'wasm', []);
    expect(learnt[0]).toBeGreaterThan(0.3); // 10 classes: chance is 0.1
    // The tfjs cpu backend is slow: a small net on a slice, conv on three input channels all the same.
    const small = 'model {\n  conv1: conv 4 5x5\n  pool 2\n  relu\n  flatten\n  out: dense 10\n}\nbatch 10\ntrain 1\neval pidx.unmodified, pidx.tcut\n';
    const slice = ['--train-subset', '40', '--test-subset', '20'];
    expect(await run(small, 'wasm', slice)).toEqual(await run(small, 'cpu', slice));
  }, 240_000);

  it('a model block whose output count differs from the labels is an error at the model line', async () => {
    const dir = work();
    const data = writeIdxFolder(classPatternContents({ classes: 47, train: 47, test: 47, size: 28 }));
    const file = experiment(dir, data, 'model {\n  flatten\n  out: dense 10\n}\ntrain 1\neval pidx.*\n');
    const r = await mfx(['check', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('exp.mfx:2:1: error[MFX2091]: the model ends in 10 outputs, but the dataset has 47 classes (labels 0..46 in');
    expect(r.stderr).toContain(`labels 0..46 in ${path.join(data, 'train-labels-idx1-ubyte')})`);
  });
});

describe('bad data is a clear error naming the file', () => {
  it('a label above the class count the model declares (data changed after compiling)', async () => {
    // The compiler learns 10 classes; the runtime is then handed a plan for 10 classes while a label says 12.
    const { loadRunData } = await import('../../runtime/run/run-data.js');
    const c = classPatternContents({ classes: 10, train: 20, test: 10, size: 28 });
    const labels = Array.from({ length: 20 }, (_, i) => (i === 5 ? 12 : i % 10));
    const data = writeIdxFolder({ ...c, trainLabels: idxLabelsBytes(labels) });
    const err = await loadRunData({ kind: 'idx', dir: data }, { train: null, test: null }, { inputShape: [28, 28, 1], classes: 10 }).catch((e: Error) => e);
    expect((err as Error).message).toContain(`${path.join(data, 'train-labels-idx1-ubyte')} has label 12 at position 5`);
    expect((err as Error).message).toContain('The model declares 10 classes');
  });

  it('images of mixed sizes', async () => {
    const dir = work();
    const c = classPatternContents({ classes: 10, train: 20, test: 10, size: 28 });
    const data = writeIdxFolder({ ...c, testImages: idxChannelImagesBytes(10, 32, 32, 3, () => 7) });
    const file = experiment(dir, data, 'train 1\neval pidx.*\n');
    const r = await mfx(['check', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[MFX2090]');
    expect(r.stderr).toContain(`are 28x28 pixels but the test images in ${path.join(data, 't10k-images-idx3-ubyte')} are 32x32x3`);
    const run = await mfx(['run', file, ...TINY, '--out', path.join(dir, 'run')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[MFX2090]');
  });

  it('a folder with a train set but no test set', async () => {
    const dir = work();
    const data = writeIdxFolder(classPatternContents({ classes: 10, train: 20, test: 10, size: 28 }), { omit: ['testImages', 'testLabels'] });
    const file = experiment(dir, data, 'train 1\neval pidx.*\n');
    const r = await mfx(['check', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('has a training set but no test set');
    expect(r.stderr).toContain(path.join(data, 't10k-images-idx3-ubyte'));
  });

  it('a folder that is not there is a warning at check time and an error naming it at run time', async () => {
    const dir = work();
    const file = path.join(dir, 'exp.mfx');
    writeFileSync(file, 'dataset idx "emnist-balanced"\nmodel {\n  flatten\n  out: dense 47\n}\ntrain 1\neval pidx.*\n');
    const check = await mfx(['check', file]);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr).toContain('warning[MFX2130]');
    const run = await mfx(['run', file, ...TINY, '--out', path.join(dir, 'run')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`The dataset folder ${path.join(dir, 'emnist-balanced')} does not exist`);
  });
});
