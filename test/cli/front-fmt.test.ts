import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mfx, tempFiles } from './front-helpers.js';

const MESSY = '# keep me\npretrain   10 # first\n\n\n\narm a {\ntrain 1\n      }\n';
const TIDY = '# keep me\npretrain 10  # first\n\narm a {\n  train 1\n}\n';

describe('mfx fmt', () => {
  it('prints the canonical layout, comments kept, file untouched', async () => {
    const f = tempFiles({ 'm.mfx': MESSY });
    const r = await mfx('fmt', f['m.mfx']);
    expect(r).toMatchObject({ code: 0, stdout: TIDY });
    expect(readFileSync(f['m.mfx'], 'utf8')).toBe(MESSY);
  });

  it('--write rewrites the file; a second run changes nothing', async () => {
    const f = tempFiles({ 'm.mfx': MESSY });
    expect((await mfx('fmt', '--write', f['m.mfx'])).stdout).toBe(`${f['m.mfx']}: formatted\n`);
    expect(readFileSync(f['m.mfx'], 'utf8')).toBe(TIDY);
    expect((await mfx('fmt', '--write', f['m.mfx'])).stdout).toBe('');
  });

  it('--check exits 1 for an unformatted file and 0 for a formatted one', async () => {
    const f = tempFiles({ 'm.mfx': MESSY, 't.mfx': TIDY });
    const bad = await mfx('fmt', '--check', f['m.mfx'], f['t.mfx']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe(`${f['m.mfx']}: not formatted (run \`mfx fmt --write ${f['m.mfx']}\`)\n`);
    expect((await mfx('fmt', '--check', f['t.mfx'])).code).toBe(0);
  });

  it('refuses to format a file with syntax errors', async () => {
    const f = tempFiles({ 'e.mfx': 'train 1\nfrez x\n' });
    const r = await mfx('fmt', '--write', f['e.mfx']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[MFX1003]');
    expect(readFileSync(f['e.mfx'], 'utf8')).toBe('train 1\nfrez x\n');
  });

  it('rejects --write with --check as a usage error', async () => {
    const f = tempFiles({ 't.mfx': TIDY });
    expect((await mfx('fmt', '--write', '--check', f['t.mfx'])).code).toBe(2);
  });
});
