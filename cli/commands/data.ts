// `mfx data list` and `mfx data show SET`: what data mfx has, and what a test set looks like.
import { constants as fsConstants } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { DatasetSpec } from '../../compiler/plan.js';
import { parseTestSetName, resolveTestSet, testSetCatalogue } from '../../compiler/test-sets.js';
import type { CliContext } from '../context.js';
import { EnvironmentError, isEnvironmentFailure } from '../environment-error.js';
import { UserError } from '../context.js';
import { DataError } from '../../runtime/data/errors.js';
import { FASHION_MNIST_DEFAULT_DIR, loadDataset } from '../../runtime/data/datasets.js';
import { describeDataset, type DatasetSummary } from '../../runtime/data/dataset-info.js';
import { describeTestSet, makeTestSet } from '../../runtime/data/test-sets.js';

const DATASET_KINDS = ['mnist', 'fashion-mnist', 'idx'] as const;
type DatasetKind = (typeof DATASET_KINDS)[number];
const FAMILY_TO_KIND: Record<string, DatasetKind> = { pmnist: 'mnist', pfashion: 'fashion-mnist', pidx: 'idx' };

interface DatasetOptions {
  dataset?: DatasetKind;
  dir?: string;
}

function parseKind(value: string): DatasetKind {
  if ((DATASET_KINDS as readonly string[]).includes(value)) return value as DatasetKind;
  throw new InvalidArgumentError(`expected one of ${DATASET_KINDS.join(', ')}.`);
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number, at least 1.');
  return n;
}

const MAX_GRID = 32;

function parseGrid(value: string): number {
  const n = parseCount(value);
  if (n > MAX_GRID) throw new InvalidArgumentError(`at most ${MAX_GRID} (a ${MAX_GRID}x${MAX_GRID} grid is already ${MAX_GRID * MAX_GRID} images).`);
  return n;
}

function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number, 0 or more.');
  return n;
}

function specFor(kind: DatasetKind, dir: string | undefined): DatasetSpec {
  switch (kind) {
    case 'mnist':
      return { kind: 'mnist' };
    case 'fashion-mnist':
      return { kind: 'fashion-mnist', dir: dir ?? FASHION_MNIST_DEFAULT_DIR };
    case 'idx':
      if (!dir) throw new UserError('`--dataset idx` needs the folder of the IDX files: add `--dir FOLDER`.', 2);
      return { kind: 'idx', dir };
  }
}

/** Data problems are the user's to fix, so they print as one paragraph, exit 1. */
async function userFacing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof DataError) throw new UserError(err.message, 1);
    throw err;
  }
}

function summaryLine(s: DatasetSummary): string {
  return `${s.trainCount} train, ${s.testCount} test, ${s.height}x${s.width}x${s.channels}, ${s.classes} classes   ${s.source}`;
}

async function listData(ctx: CliContext, opts: DatasetOptions): Promise<void> {
  const out = (line = ''): void => void ctx.stdout.write(`${line}\n`);
  const chosen: DatasetSpec = specFor(opts.dataset ?? 'mnist', opts.dir);
  out('Datasets');
  const rows: [string, () => Promise<string>][] = [
    ['mnist', async () => summaryLine(await describeDataset({ kind: 'mnist' }))],
    [
      'fashion-mnist',
      async () => summaryLine(await describeDataset(chosen.kind === 'fashion-mnist' ? chosen : { kind: 'fashion-mnist', dir: FASHION_MNIST_DEFAULT_DIR })),
    ],
    ['idx "DIR"', async () => (chosen.kind === 'idx' ? summaryLine(await describeDataset(chosen)) : 'any folder with the four standard IDX files (plain or .gz)')],
  ];
  for (const [name, describe] of rows) {
    let text: string;
    try {
      text = await describe();
    } catch (err) {
      // The chosen dataset must be usable; the others are only reported.
      if (!(err instanceof DataError) || name.startsWith(chosen.kind)) throw err;
      text = `not available: ${err.message}`;
    }
    out(`  ${name.padEnd(14)} ${text}`);
  }
  const summary = await describeDataset(chosen);
  const names = testSetCatalogue(chosen);
  out();
  out(`Test sets for ${chosen.kind} (${summary.testCount} images each; the -fill sets depend on --seed)`);
  const width = Math.max(...names.map((n) => n.length));
  for (const name of names) out(`  ${name.padEnd(width)}  ${String(summary.testCount).padStart(6)}  ${describeTestSet(resolveTestSet(name)!.variant, summary.height, summary.width)}`);
}

interface ShowOptions extends DatasetOptions {
  png?: string;
  seed: number;
  count: number;
  grid: number;
  outline: boolean;
}

/** Fails before the (slower) data loading when the PNG could not be written anyway. */
async function checkWritableFolder(file: string): Promise<void> {
  const dir = path.dirname(file);
  try {
    await access(dir, fsConstants.W_OK);
  } catch (err) {
    // The real cause (missing, read-only, forbidden), as for every other command.
    if (isEnvironmentFailure(err)) throw EnvironmentError.from(Object.assign(err, { syscall: 'write', path: file }), file, 'Or choose another path for --png.');
    throw new UserError(`Cannot write ${file}: the folder ${dir} does not exist or is not writable. Create it, or choose another path for --png.`, 1);
  }
}

async function showTestSet(ctx: CliContext, setName: string, opts: ShowOptions): Promise<void> {
  // Loaded here: the PNG encoder is for `data show` alone (see cli/main.ts).
  const { occlusionOutline, renderTerminalPreview, sampleGridPng } = await import('../../runtime/data/preview.js');
  const parsed = parseTestSetName(setName);
  const familyKind = parsed ? FAMILY_TO_KIND[parsed.family] : undefined;
  if (!parsed || !familyKind) {
    const examples = testSetCatalogue({ kind: 'mnist' }).join(', ');
    throw new UserError(
      `There is no test set called ${setName}. Test sets are FAMILY.VARIANT, e.g. ${examples}; ` +
        'use pfashion.* for fashion-mnist and pidx.* (with --dir) for an IDX folder. `mfx data list` shows them all.',
      2,
    );
  }
  const kind = opts.dataset ?? familyKind;
  if (kind !== familyKind) {
    throw new UserError(`${setName} belongs to the ${familyKind} dataset, but --dataset says ${kind}. Drop --dataset, or use the ${kind} test set of the same name.`, 2);
  }
  const spec = specFor(kind, opts.dir);
  const pngFile = opts.png ? path.resolve(opts.png) : undefined;
  if (pngFile) await checkWritableFolder(pngFile);
  const shown = Math.max(opts.count, opts.png ? opts.grid * opts.grid : 0);
  // Only the first images are generated; the fillings still draw donors from the whole test split.
  const ds = await loadDataset(spec, { trainSubset: 1, testSubset: null });
  const testSubset = Math.min(shown, ds.subset.testTotal);
  const view = { ...ds, test: { images: ds.test.images.subarray(0, testSubset * ds.height * ds.width * ds.channels), labels: ds.test.labels.subarray(0, testSubset), n: testSubset } };
  const set = makeTestSet({ name: setName, ...parsed }, view, opts.seed);

  ctx.stdout.write(`${setName}: ${describeTestSet(parsed.variant, ds.height, ds.width)} (${ds.name}, ${ds.subset.testTotal} test images, seed ${opts.seed})\n\n`);
  const color = Boolean(ctx.stdout.isTTY) && !process.env.NO_COLOR;
  const indices = Array.from({ length: Math.min(opts.count, set.n) }, (_, i) => i);
  ctx.stdout.write(`${renderTerminalPreview(set, { indices, columns: ctx.stdout.columns ?? 80, color })}\n`);
  if (opts.png) {
    const k = opts.grid;
    const file = pngFile ?? path.resolve(opts.png);
    try {
      await writeFile(file, sampleGridPng(set, { k, outline: opts.outline ? occlusionOutline(parsed.variant, ds.height, ds.width) : undefined }));
    } catch (err) {
      if (isEnvironmentFailure(err)) throw EnvironmentError.from(err, file);
      throw new UserError(`Cannot write ${file}: ${(err as Error).message}. Check that the folder exists and is writable.`, 1);
    }
    ctx.stdout.write(`Wrote ${file}: the first ${Math.min(k * k, set.n)} images of ${setName} in a ${k}x${k} grid, labels underneath${opts.outline && occlusionOutline(parsed.variant, ds.height, ds.width) ? ', the replaced region outlined in red' : ''}.\n`);
  }
}

export function registerData(program: Command, ctx: CliContext): void {
  const data = program.command('data').description('list the datasets and test sets, or look at a test set');
  const datasetOptions = (cmd: Command): Command =>
    cmd
      .option('--dataset <kind>', `dataset: ${DATASET_KINDS.join(', ')}`, parseKind)
      .option('--dir <folder>', `folder of the IDX files (fashion-mnist default: ${FASHION_MNIST_DEFAULT_DIR}; required for idx)`);

  datasetOptions(data.command('list').description('list datasets and the test sets of one of them (default mnist), with sizes')).action(
    async (opts: DatasetOptions) => userFacing(() => listData(ctx, opts)),
  );

  datasetOptions(
    data
      .command('show')
      .description('show sample images of a test set in the terminal, and optionally as a PNG grid')
      .argument('<set>', 'test set name, e.g. pmnist.tcut (see `mfx data list`)')
      .option('--png <file>', 'also write a grid of samples with labels to this PNG file')
      .option('--seed <n>', 'seed for the generated fillings', parseSeed, 1)
      .option('--count <n>', 'images shown in the terminal', parseCount, 6)
      .option('--grid <k>', `the PNG shows k x k images (at most ${MAX_GRID})`, parseGrid, 8)
      .option('--no-outline', 'do not outline the replaced region in the PNG'),
  ).action(async (setName: string, opts: ShowOptions) => userFacing(() => showTestSet(ctx, setName, opts)));
}
