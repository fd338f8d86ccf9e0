import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend } from '../../runtime/backend/select.js';
import { executePlan } from '../../runtime/run/execute.js';
import type { RunEvent } from '../../runtime/events.js';
import type { Plan } from '../../compiler/plan.js';
import { syntheticData, twoArmsSharingPretraining } from './helpers/tiny-plan.js';

beforeAll(async () => {
  await initBackend('cpu');
});

// Two arms sharing pretraining, its snapshot eval and the head reset; two seeds.
const plan = (): Plan => twoArmsSharingPretraining(2);

async function run(reuse: boolean) {
  const events: RunEvent[] = [];
  const runDir = path.join(mkdtempSync(path.join(tmpdir(), 'mfx-reuse-')), 'run');
  const results = await executePlan(plan(), { backend: 'cpu', runDir, loadData: syntheticData(), batchEventIntervalMs: 0, reuse, onEvent: (e) => events.push(e) });
  return { results, events };
}

describe('shared-prefix reuse within a run', () => {
  it('gives the results of a run with reuse disabled, computing the prefix once per seed', async () => {
    const reused = await run(true);
    const recomputed = await run(false);
    expect(reused.results.evals).toEqual(recomputed.results.evals);
    expect(reused.results.table).toEqual(recomputed.results.table);
    const reusedSteps = (r: { events: RunEvent[] }) => r.events.flatMap((e) => (e.type === 'step-end' && e.status === 'reused' ? [`${e.arm}/${e.seed}/${e.step}`] : []));
    expect(reusedSteps(reused)).toEqual(['b/1/0', 'b/1/1', 'b/1/2', 'b/2/0', 'b/2/1', 'b/2/2']);
    expect(reusedSteps(recomputed)).toEqual([]);
    const epochs = (r: { events: RunEvent[] }) => r.events.filter((e) => e.type === 'epoch-end').length;
    expect(epochs(recomputed) - epochs(reused)).toBe(2 * 2); // the 2 pretraining epochs, once per seed
  });
});
