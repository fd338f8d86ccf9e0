// --jobs: units of (seed, arms linked by shared prefixes) on worker threads, each with its own
// wasm backend, on a small slice of MNIST. Results must equal a single-threaded run's.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compile } from '../../compiler/index.js';
import type { Plan } from '../../compiler/plan.js';
import { executePlan } from '../../runtime/run/execute.js';
import type { RunEvent } from '../../runtime/events.js';
import { planUnits } from '../../runtime/run/units.js';
import { readPredictions } from '../../runtime/store/predictions-file.js';

const TEXT = `experiment "jobs"
seed 4
repeat 2
arm baseline {
  pretrain 2
}
arm inverted {
  invert relu6
  train 1
}
arm hybrid {
  pretrain 2
  freeze conv*
  reset fc*
  invert relu6
  train 1
}
eval pmnist.unmodified, pmnist.hcut
`;

function plan(): Plan {
  const { plan, diagnostics } = compile(TEXT, 'jobs.mfx');
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return plan!;
}

const SUBSET = { train: 192, test: 40 };

async function run(jobs: number, opts: { runDir?: string; resume?: boolean; abortOn?: (e: RunEvent) => boolean } = {}) {
  const runDir = opts.runDir ?? path.join(mkdtempSync(path.join(tmpdir(), 'mfx-jobs-')), 'run');
  const controller = new AbortController();
  const events: RunEvent[] = [];
  const results = await executePlan(plan(), {
    backend: 'wasm',
    runDir,
    subset: opts.resume ? undefined : SUBSET,
    resume: opts.resume,
    jobs,
    batchEventIntervalMs: 0,
    signal: controller.signal,
    onEvent: (e) => {
      events.push(e);
      if (opts.abortOn?.(e)) controller.abort();
    },
  });
  return { results, events, runDir };
}

describe('--jobs', () => {
  let one: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    one = await run(1);
  });

  it('makes one task per seed and arm; the hybrid takes its prefix from the baseline', () => {
    const tasks = planUnits(plan(), true);
    expect(tasks.map((t) => `${t.seed}:${t.arm}<${t.prefixFrom.join(',')}:${t.epochs}`)).toEqual([
      '4:baseline<:2', '4:inverted<:1', '4:hybrid<baseline:1', '5:baseline<:2', '5:inverted<:1', '5:hybrid<baseline:1',
    ]);
    expect(planUnits(plan(), false).every((t) => t.prefixFrom.length === 0)).toBe(true);
  });

  it('gives the results of a single-threaded run; events reach the main thread and the run folder', async () => {
    const two = await run(2);
    expect(two.results.status).toBe('done');
    expect(two.results.evals).toEqual(one.results.evals);
    expect(two.results.table).toEqual(one.results.table);
    const ends = (r: { events: RunEvent[] }) => r.events.filter((e) => e.type === 'arm-end').map((e) => e.type === 'arm-end' && `${e.arm}/${e.seed}`).sort();
    expect(ends(two)).toEqual(ends(one));
    const lines = readFileSync(path.join(two.runDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((e) => e.type === 'epoch-end')).toHaveLength(one.events.filter((e) => e.type === 'epoch-end').length);
    expect(lines.filter((e) => e.type === 'step-end' && e.status === 'reused').length).toBe(2 * 2); // hybrid's pretrain + snapshot eval, per seed
    // Worker threads write the same per-sample predictions (a handed-over snapshot eval's included).
    for (const e of two.results.evals) expect(readPredictions(two.runDir, e)).toEqual(readPredictions(one.runDir, e));
    expect(readPredictions(two.runDir, two.results.evals[0])).not.toBeNull();
  });

  it('stops every worker on abort, keeps resumable state, and --resume ends with the uninterrupted results', async () => {
    const stopped = await run(2, { abortOn: (e) => e.type === 'epoch-end' && e.arm === 'baseline' && e.epoch === 1 });
    expect(stopped.results.status).toBe('stopped');
    expect(stopped.events.some((e) => e.type === 'arm-end' && e.status === 'stopped')).toBe(true);
    const resumed = await run(2, { runDir: stopped.runDir, resume: true });
    expect(resumed.results.status).toBe('done');
    expect(resumed.results.evals).toEqual(one.results.evals);
  });
});
