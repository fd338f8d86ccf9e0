// Issue 20's study: every docs/results/study/*.mfx checks as `mfx check` does (warnings allowed,
// such as MFX2100 for `invert relu` and MFX2130 where Fashion-MNIST is not installed) and is in
// canonical layout; there is one file per part, and part 4 asks for the talk's protocol.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile, parse, print } from '../../compiler/index.js';
import { readDatasetInfo } from '../../runtime/data/dataset-info.js';

const DIR = new URL('../../docs/results/study/', import.meta.url);
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.mfx')).sort();
const read = (name: string) => readFileSync(new URL(name, DIR), 'utf8');

describe('docs/results/study', () => {
  it('has one file per part of the study', () => {
    expect(FILES.map((f) => f.split('-')[0])).toEqual(['part1', 'part2', 'part3', 'part4']);
  });

  it.each(FILES)('%s compiles without errors and is in canonical layout', (name) => {
    const text = read(name);
    const { plan, diagnostics } = compile(text, `docs/results/study/${name}`, { datasetInfo: readDatasetInfo });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(plan!.repeat).toBe(10);
    expect(print(parse(text, name).ast)).toBe(text);
  });

  it('part 4 selects epochs on a validation split and scores every epoch on the test sets', () => {
    const plan = compile(read('part4-protocol.mfx'), 'part4-protocol.mfx').plan!;
    expect(plan.validation).toBe(5000);
    for (const arm of plan.arms) {
      const trains = arm.steps.filter((s) => s.kind === 'train');
      expect(trains.every((s) => s.kind === 'train' && s.select && s.everyEpoch?.length === 5)).toBe(true);
    }
    // The pretraining stays one computation per seed for all arms.
    expect(plan.arms.slice(1).every((a) => a.sharedPrefix >= 2)).toBe(true);
  });
});
