// CI fuzzing of the front end (issue 19): 3,000 inputs with a fixed seed, so a failure here
// reproduces with `npm run fuzz -- --count 3000 --seed 19`. No timing is asserted here; the
// hang count is `npm run fuzz`'s business.
import { describe, expect, it } from 'vitest';
import { checkInput, runFuzz } from './harness.js';

describe('front-end fuzzing', () => {
  it('3,000 grammar-aware, mutated and hostile inputs: no crash, no broken invariant', () => {
    const report = runFuzz(3000, 19, { hangMs: Number.POSITIVE_INFINITY, keep: 3 });
    expect(report.inputs).toBe(3000);
    expect(report.failures.map((f) => `${f.kind}: ${f.message}\n--- input ---\n${JSON.stringify(f.input).slice(0, 400)}`)).toEqual([]);
    expect(report.crashes + report.invariantFailures).toBe(0);
  }, 120_000);

  it('the checks themselves catch what they are for', () => {
    expect(checkInput('train 1\neval pmnist.*\n')).toBeNull();
    expect(checkInput('arm a {\n'.repeat(5000))).toBeNull();
  });
});
