// The package as a user gets it: `npm pack` (the compiled dist/, examples, README, the language
// manual; no sources, no tests), installed globally into an empty prefix, then `mfx check` and a
// small `mfx run` from a folder outside the checkout. Dependencies come from npm's cache where
// it has them (`npm ci` just filled it; --prefer-offline), so in CI this needs no network
// beyond what `npm ci` already used. Install scripts are skipped: the only ones in the tree
// belong to the optional native TensorFlow backends, which download TensorFlow from the internet.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distProblem, ROOT } from '../helpers/built-cli.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tmp = mkdtempSync(path.join(tmpdir(), 'mfx-pack-'));
const prefix = path.join(tmp, 'prefix');
const work = path.join(tmp, 'elsewhere');
const mfx = path.join(prefix, 'bin', 'mfx');
let files: string[] = [];

function ok(r: SpawnSyncReturns<string>, what: string): SpawnSyncReturns<string> {
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

beforeAll(() => {
  // The tarball packs dist/ as it is (--ignore-scripts: no second build), so it must be fresh.
  const problem = distProblem();
  if (problem) throw new Error(problem);
  const packed = ok(spawnSync(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: ROOT, encoding: 'utf8' }), 'npm pack');
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  files = info.files.map((f) => f.path);
  ok(
    spawnSync(NPM, ['install', '--global', '--prefix', prefix, path.join(tmp, info.filename), '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel', 'error'], {
      cwd: tmp,
      encoding: 'utf8',
    }),
    'npm install -g',
  );
  mkdirSync(work);
  cpSync(path.join(ROOT, 'examples', 'quickstart.mfx'), path.join(work, 'quickstart.mfx'));
  // Two arms and two seeds, so that --jobs 2 starts the compiled worker threads.
  writeFileSync(path.join(work, 'two.mfx'), 'experiment "installed"\nrepeat 2\npretrain 1\n\narm plain {\n  train 1\n}\n\narm frozen {\n  freeze conv*\n  train 1\n}\n\neval pmnist.unmodified\n');
}, 180_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('npm pack, npm install -g, mfx from anywhere', () => {
  it('the tarball holds the compiled code, examples, README and manual, and no sources or tests', () => {
    expect(files).toEqual(expect.arrayContaining(['bin/mfx.js', 'dist/cli/main.js', 'dist/runtime/run/workers/worker.js', 'examples/quickstart.mfx', 'README.md', 'docs/language.md', 'package.json']));
    expect(files.filter((f) => /^(test|bench|scripts)\//.test(f) || /\.tsx?$/.test(f))).toEqual([]);
  });

  it('`mfx check` works from another folder', () => {
    const r = ok(spawnSync(mfx, ['check', 'quickstart.mfx'], { cwd: work, encoding: 'utf8' }), 'mfx check');
    expect(r.stdout).toContain('quickstart.mfx: ok');
  });

  it('a small `mfx run` on worker threads trains on the MNIST that comes with the package', () => {
    const r = ok(
      spawnSync(mfx, ['run', 'two.mfx', '--jobs', '2', '--train-subset', '200', '--test-subset', '100', '--reporter', 'plain', '--out', 'run', '--no-cache', '--no-report'], {
        cwd: work,
        encoding: 'utf8',
      }),
      'mfx run',
    );
    expect(r.stdout).toContain('run done');
    expect(readdirSync(path.join(work, 'run'))).toEqual(expect.arrayContaining(['results.json', 'plan.json']));
    const results = JSON.parse(readFileSync(path.join(work, 'run', 'results.json'), 'utf8')) as { evals?: unknown[] };
    expect(results.evals?.length).toBe(2 * 2 * 2); // 2 seeds x 2 arms x (pretrained, final)
  });

  it('the installed copy runs from its own dependencies, not from this checkout', () => {
    const r = ok(spawnSync(process.execPath, ['-e', "console.log(require.resolve('@tensorflow/tfjs-core'))"], { cwd: path.join(prefix, 'lib', 'node_modules', 'mfx'), encoding: 'utf8' }), 'resolve');
    expect(r.stdout.startsWith(prefix)).toBe(true);
  });
});
