import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cstDtsText } from '../../grammar/cst-dts.js';

describe('generated CST types', () => {
  it('grammar/cst.d.ts is up to date with the grammar (regenerate: npx tsx grammar/gen-cst-dts.ts)', () => {
    const committed = readFileSync(new URL('../../grammar/cst.d.ts', import.meta.url), 'utf8');
    expect(committed).toBe(cstDtsText());
  });
});
