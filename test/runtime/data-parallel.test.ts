// `mfx run --jobs 1` and `--jobs 2` on one arm: with two threads the shards of each batch are
// computed on two threads (a shard team), with one they are computed in turn. The run folders
// must hold the same bytes: results.json (but for its timing), predictions and weights, through
// a full-network phase and a frozen phase (with and without the frozen-feature cache), and
// evaluations whose batches are split between the threads.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compile } from '../../compiler/index.js';
import { executePlan } from '../../runtime/run/execute.js';

const TEXT = `experiment "shards"
shards 2
pretrain 1
freeze conv*
invert relu6
train 1
eval pmnist.unmodified, pmnist.hcut
`;

async function run(jobs: number, featureCacheBytes?: number) {
  const { plan, diagnostics } = compile(TEXT, 'shards.mfx');
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const runDir = path.join(mkdtempSync(path.join(tmpdir(), 'mfx-shards-')), 'run');
  const results = await executePlan(plan!, {
    backend: 'wasm',
    runDir,
    subset: { train: 200, test: 1100 }, // two evaluation batches per test set: one on the helper
    jobs,
    strictThreads: true, // the helper computes its shards from the first batch on
    featureCacheBytes,
    onEvent: () => {},
  });
  expect(results.status).toBe('done');
  return runDir;
}

/** Every file under `dir` (relative path → bytes), results.json without its timing. */
function folderBytes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const file = path.join(rel, name);
      if (statSync(path.join(dir, file)).isDirectory()) walk(file);
      else if (/^(predictions|weights)\//.test(file)) out.set(file, readFileSync(path.join(dir, file)).toString('hex'));
    }
  };
  walk('');
  const results = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8'));
  delete results.seconds;
  delete results.startedAt;
  out.set('results.json', JSON.stringify(results));
  return out;
}

describe('shards on threads', () => {
  it('--jobs 1 and --jobs 2 write byte-identical results, predictions and weights', async () => {
    const one = folderBytes(await run(1));
    const two = folderBytes(await run(2));
    expect([...one.keys()].filter((k) => k.startsWith('predictions/')).length).toBeGreaterThanOrEqual(4);
    expect([...one.keys()].filter((k) => k.startsWith('weights/')).length).toBeGreaterThanOrEqual(2);
    expect(two).toEqual(one);
    // The frozen phase without the feature cache runs its shards on the helper too.
    const uncached = folderBytes(await run(2, 0));
    expect(uncached).toEqual(one);
  });
});
