// The queue's pieces that need no Redis: addresses (credentials never shown), job validation
// (readPlan and the unit's place in the plan), keeping one result per unit, and which files of a
// unit come back to the coordinator.
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compile } from '../../compiler/index.js';
import { parseQueueUrl, QueueAddressError, redisOptions } from '../../runtime/queue/url.js';
import { validateJob } from '../../cli/queue/validate-job.js';
import { acceptOnce } from '../../runtime/queue/coordinator.js';
import { JOB_VERSION } from '../../runtime/queue/job.js';
import { unitFiles } from '../../runtime/queue/unit-files.js';
import { decodeHandover, encodeHandover, prefixKey } from '../../runtime/queue/prefix-handover.js';
import { RunFolder } from '../../runtime/store/run-folder.js';
import { planUnits } from '../../runtime/run/units.js';
import type { UnitResult } from '../../runtime/run/runner.js';

describe('queue addresses', () => {
  it('parses host, port and database, and shows them without credentials', () => {
    const a = parseQueueUrl('redis://worker:s3cret%21@127.0.0.1:6390/2');
    expect(a).toMatchObject({ host: '127.0.0.1', port: 6390, db: 2, username: 'worker', password: 's3cret!', tls: false });
    expect(a.shown).toBe('redis://127.0.0.1:6390/2');
    expect(redisOptions(a)).toMatchObject({ host: '127.0.0.1', port: 6390, db: 2, password: 's3cret!', maxRetriesPerRequest: null });
    expect(parseQueueUrl('redis://localhost').shown).toBe('redis://localhost:6379/0');
  });

  it('refuses what is not a redis URL, naming no password', () => {
    const cases = ['http://:pw1@127.0.0.1:80', 'redis://:pw2@127.0.0.1:6379/x', 'not a url :pw3@somewhere'];
    for (const text of cases) {
      let error: unknown;
      try {
        parseQueueUrl(text);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(QueueAddressError);
      expect((error as Error).message).not.toMatch(/pw\d/);
    }
  });
});

describe('validateJob', () => {
  const { plan } = compile('experiment "v"\nrepeat 2\nmodel {\n  flatten\n  fc1: dense 10\n}\ntrain 1\neval pmnist.unmodified\n', 'v.mfx');
  const unit = planUnits(plan!, false)[0];
  const good = () => JSON.parse(JSON.stringify({ version: JOB_VERSION, runId: 'v-0123', plan, subset: { train: 200, test: null }, backend: 'wasm', unit, batchEventIntervalMs: 100, featureCacheBytes: 0, datasetIdentity: 'ab'.repeat(32), reuse: true, cache: true }));

  it('accepts a coordinator payload', () => {
    expect(validateJob(good()).unit).toEqual(unit);
  });

  it.each([
    ['an edited plan', (j: any) => (j.plan.arms[0].steps[0].epochs = 99), /invalid plan: hash/],
    ['a missing plan', (j: any) => delete j.plan, /invalid plan/],
    ['another job version', (j: any) => (j.version = JOB_VERSION - 1), /version/],
    ['a dataset identity that is not a sha256', (j: any) => (j.datasetIdentity = '../x'), /datasetIdentity/],
    ['a run id that climbs folders', (j: any) => (j.runId = '../../etc'), /runId/],
    ['an arm not in the plan', (j: any) => (j.unit.arm = 'other'), /unit\.arm/],
    ['a seed not in the plan', (j: any) => (j.unit.seed = 77), /unit\.seed/],
    ['an unknown backend', (j: any) => (j.backend = 'auto'), /backend/],
    ['no word on the cache', (j: any) => delete j.cache, /cache/],
    ['a bad subset', (j: any) => (j.subset = { train: -1, test: null }), /subset\.train/],
  ])('rejects %s', (_name, edit, message) => {
    const job = good();
    edit(job);
    expect(() => validateJob(job)).toThrow(message);
  });
});

describe('acceptOnce', () => {
  it('keeps the first result of a unit delivered twice', () => {
    const finished = new Map<string, UnitResult>();
    const r: UnitResult = { seed: 1, arm: 'a', outcome: { kind: 'done' }, evals: [] };
    expect(acceptOnce(finished, r)).toBe(true);
    expect(acceptOnce(finished, { ...r, evals: [] })).toBe(false);
    expect(acceptOnce(finished, { ...r, seed: 2 })).toBe(true);
    expect(finished.size).toBe(2);
  });
});

describe('unitFiles', () => {
  const { plan, diagnostics: diags } = compile(
    'experiment "f"\nrepeat 2\nmodel {\n  flatten\n  fc1: dense 16\n  relu\n  fc2: dense 10\n}\npretrain 1\neval pmnist.unmodified as pre\narm a {\n  train 1\n  save "nets/a.mfxw"\n}\narm b {\n  freeze fc1\n  train 1\n}\n',
    'f.mfx',
  );
  if (!plan) throw new Error(`the plan does not compile: ${JSON.stringify(diags)}`);
  const folder = RunFolder.create(path.join(mkdtempSync(path.join(tmpdir(), 'mfx-unit-files-')), 'run'), plan!, { backend: 'wasm', subset: { train: 1, test: 1 }, startedAt: '' });
  const evals = (arm: string) => [{ arm, seed: 2, label: 'pre', testSet: 'pmnist.unmodified', accuracy: 0, loss: 0, n: 1 }];
  const names = (arm: string, reuse: boolean) => [...unitFiles(folder, plan!, { arm, seed: 2, outcome: { kind: 'done' }, evals: evals(arm) }, reuse).keys()];

  it('names the weights, save file, checkpoint and predictions of a unit, inside the run folder', () => {
    const a = names('a', true);
    expect(a).toContain('checkpoints/a/seed-2.mfxc');
    expect(a).toContain('nets/a-seed2.mfxw');
    expect(a).toContain('predictions/a/seed-2/pre/pmnist.unmodified.mfxp');
    expect(a).toContain('predictions/labels/pmnist.unmodified.mfxp');
    expect(a.some((f) => f.startsWith('weights/a/seed-2/step-00-'))).toBe(true);
    for (const f of a) expect(f.startsWith('..') || path.isAbsolute(f)).toBe(false);
  });

  it('leaves out the weights of a shared prefix that a local run takes over, unless reuse is off', () => {
    expect(names('b', true).some((f) => f.startsWith('weights/b/seed-2/step-00-'))).toBe(false);
    expect(names('b', false).some((f) => f.startsWith('weights/b/seed-2/step-00-'))).toBe(true);
    expect(names('b', true)).toContain('predictions/b/seed-2/pre/pmnist.unmodified.mfxp');
  });
});

describe('prefix handover encoding', () => {
  const state = {
    steps: 2,
    params: [{ name: 'fc1.weight', shape: [2, 2], values: new Float32Array([1, 2, 3, 4]) }],
    optimizer: { 'fc1.weight': { step: 7, tensors: { m: { shape: [2, 2], values: new Float32Array([0.5, 0, 0, -0.5]) } } } },
    evals: [{ arm: 'a', seed: 1, label: 'pretrained', testSet: 'pmnist.unmodified', accuracy: 0.5, loss: 1, n: 2 }],
    history: { k: [1.5, 1.25] },
  };

  it('gives back the state and the files it was given', () => {
    const fields = Object.fromEntries(encodeHandover({ state, files: [{ path: 'predictions/a/seed-1/pretrained/pmnist.unmodified.mfxp', data: new Uint8Array([9, 8]) }] }));
    const back = decodeHandover(fields, 'k')!;
    expect(back.state).toEqual(state);
    expect(back.files.map((f) => [f.path, [...f.data]])).toEqual([['predictions/a/seed-1/pretrained/pmnist.unmodified.mfxp', [9, 8]]]);
  });

  it('finds nothing in an empty hash, and refuses a damaged state', () => {
    expect(decodeHandover({}, 'k')).toBeNull();
    expect(() => decodeHandover({ state: Buffer.from('not a tensor file') }, 'k')).toThrow(/tensor file/);
  });

  it('keys the state by the receiving unit', () => {
    const { plan } = compile('experiment "k"\nrepeat 2\nmodel {\n  flatten\n  fc1: dense 10\n}\ntrain 1\n', 'k.mfx');
    expect(prefixKey('run-1', plan!, 2, plan!.arms[0].name)).toBe('mfx:prefix:run-1-s2-a0');
  });
});
