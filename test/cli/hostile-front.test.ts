// Hostile input through the command line (issue 19): what `check`, `fmt` and `run` do with
// deep nesting, byte-order marks, CRLF files, terminal escapes, empty files and missing loads.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mfx, tempFiles } from './front-helpers.js';

const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

describe('hostile input on the command line', () => {
  it('check and fmt answer deep nesting with a diagnostic, not "a bug in mfx"', async () => {
    const f = tempFiles({ 'deep.mfx': 'arm a {\n'.repeat(300), 'balanced.mfx': 'arm a {\n'.repeat(437) + '}\n'.repeat(437) });
    for (const args of [['check', f['deep.mfx']], ['fmt', f['deep.mfx']], ['check', f['balanced.mfx']], ['fmt', f['balanced.mfx']]]) {
      const r = await mfx(...args);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('MFX1016');
      expect(r.stderr).not.toContain('internal error');
    }
  });

  it('fmt --write keeps a byte-order mark and CRLF line endings', async () => {
    const f = tempFiles({ 'bom.mfx': '\ufefftrain   1\r\neval pmnist.*\r\n', 'cr.mfx': 'train 1\r\n\r\n\r\neval   pmnist.*  # all\r\n' });
    const r = await mfx('fmt', '--write', f['bom.mfx'], f['cr.mfx']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(f['bom.mfx'], 'utf8')).toBe('\ufefftrain 1\r\neval pmnist.*\r\n');
    expect(readFileSync(f['cr.mfx'], 'utf8')).toBe('train 1\r\n\r\neval pmnist.*  # all\r\n');
    const check = await mfx('fmt', '--check', f['bom.mfx'], f['cr.mfx']);
    expect(check.code, check.stdout).toBe(0);
    const checked = await mfx('check', f['bom.mfx']);
    expect(checked.code, checked.stderr).toBe(0);
  });

  it('check never echoes terminal escapes from the file', async () => {
    const f = tempFiles({ 'pwn.mfx': 'train 1\n\u001b]0;PWNED\u0007\u001b[2J\neval pmnist.*\n' });
    for (const args of [['check', f['pwn.mfx']], ['check', '--json', f['pwn.mfx']], ['fmt', f['pwn.mfx']]]) {
      const r = await mfx(...args);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).not.toMatch(RAW_CONTROL);
    }
  });

  it('empty file: a warning in check, an error in run', async () => {
    const f = tempFiles({ 'empty.mfx': '' });
    const check = await mfx('check', f['empty.mfx']);
    expect(check.code).toBe(0);
    expect(check.stderr).toContain('warning[MFX2120]');
    const run = await mfx('run', f['empty.mfx'], '--quiet', '--no-report', '--no-cache');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('has no statements: there is nothing to run');
  });

  it('a missing `load` file is a check error', async () => {
    const f = tempFiles({ 'load.mfx': 'load "missing.weights"\ntrain 1\neval pmnist.*\n' });
    const r = await mfx('check', f['load.mfx']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[MFX2083]');
    writeFileSync(f['load.mfx'].replace(/load\.mfx$/, 'missing.weights'), 'x');
    expect((await mfx('check', f['load.mfx'])).code).toBe(0);
  });
});
