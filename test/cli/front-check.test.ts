import { describe, expect, it } from 'vitest';
import { mfx, tempFiles } from './front-helpers.js';

describe('mfx check', () => {
  it('exits 0 and says ok for a clean file', async () => {
    const f = tempFiles({ 'a.mfx': 'pretrain 10; freeze conv*; invert relu6; reset fc*; train 20; eval pmnist.*\n' });
    const r = await mfx('check', f['a.mfx']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`${f['a.mfx']}: ok\n`);
  });

  it('prints warnings but still exits 0', async () => {
    const f = tempFiles({ 'w.mfx': 'pretrain 1; invert relu; train 1; eval pmnist.*\n' });
    const r = await mfx('check', f['w.mfx']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${f['w.mfx']}:1:20: warning[MFX2100]`);
    expect(r.stdout).toBe(`${f['w.mfx']}: ok (1 warning)\n`);
  });

  it('exits 1 with file:line:col, the source line, a caret and a hint for each error', async () => {
    const f = tempFiles({ 'bad.mfx': 'pretrain 10\nfrez conv*\ninvert relu7\ntrain 10\neval pmnist.*\n' });
    const r = await mfx('check', f['bad.mfx']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${f['bad.mfx']}:2:1: error[MFX1003]: unknown statement \`frez\`\n2 | frez conv*\n  | ^^^^\n  = help: did you mean \`freeze\`?\n`,
    );
    expect(r.stderr).toContain('error[MFX2034]');
    expect(r.stderr).toContain(`${f['bad.mfx']}: 2 errors\n`);
    expect(r.stderr).not.toMatch(/\u001b\[/);
  });

  it('checks several files and fails when any fails', async () => {
    const f = tempFiles({ 'ok.mfx': 'train 1; eval pmnist.*\n', 'bad.mfx': 'train 0\n' });
    const r = await mfx('check', f['ok.mfx'], f['bad.mfx']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${f['ok.mfx']}: ok`);
    expect(r.stderr).toContain(`${f['bad.mfx']}: 1 error`);
  });

  it('prints JSON diagnostics with line and column', async () => {
    const f = tempFiles({ 'bad.mfx': 'train 1\nfreeze conv9\n' });
    const r = await mfx('check', '--json', f['bad.mfx']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ file: f['bad.mfx'], line: 2, column: 8, code: 'MFX2032', severity: 'error' })]);
  });

  it('reports a missing file as one clear line, exit 1', async () => {
    const r = await mfx('check', '/nonexistent/x.mfx');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('mfx: error: cannot read /nonexistent/x.mfx: no such file. Check the path, or run `ls` to see what is there.\n');
  });

  it('is a usage error (exit 2) without files, and has --help', async () => {
    expect((await mfx('check')).code).toBe(2);
    const help = await mfx('check', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: mfx check');
  });
});
