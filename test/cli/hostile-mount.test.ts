// The same failures as hostile-run.test.ts, on real file systems: a tiny tmpfs that fills up
// and a read-only one (issue 19, point 4). Mounting needs root; elsewhere these tests are
// skipped with the reason printed, and the injected failures in hostile-run.test.ts still run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMain as mfx } from './helpers/run-main.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const base = mkdtempSync(path.join(tmpdir(), 'mfx-mount-'));
const small = path.join(base, 'small');
const ro = path.join(base, 'ro');

function mount(args: string[]): string | null {
  try {
    execFileSync('mount', args, { stdio: 'pipe' });
    return null;
  } catch (err) {
    return String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim() || 'mount failed';
  }
}

let skipReason: string | null = null;
beforeAll(() => {
  mkdirSync(small);
  mkdirSync(ro);
  skipReason = mount(['-t', 'tmpfs', '-o', 'size=200k', 'tmpfs', small]) ?? mount(['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', ro]);
  if (skipReason) {
    console.warn(`hostile-mount.test.ts: skipped, cannot mount a tmpfs (${skipReason}); the injected failures in hostile-run.test.ts cover the same paths`);
    return;
  }
  writeFileSync(path.join(ro, 'f.mfx'), 'train   1\neval pmnist.unmodified\n');
  skipReason = mount(['-o', 'remount,ro', ro]);
});
afterAll(() => {
  for (const dir of [small, ro]) {
    try {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    } catch {
      // not mounted
    }
  }
  rmSync(base, { recursive: true, force: true });
});

const TINY = ['--backend', 'wasm', '--train-subset', '256', '--test-subset', '20', '--quiet', '--no-report', '--no-cache', '--jobs', '1'];
const tempFilesUnder = (dir: string): string[] => (readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.tmp-\d+-\d+$/.test(f));

describe('real file systems', () => {
  it('a full disk during run: path, cause, resume hint, no temp files; resume after space is freed', async (t) => {
    if (skipReason) return t.skip();
    const out = path.join(small, 'run');
    const file = path.join(ROOT, 'examples/quickstart.mfx');
    const r = await mfx(['run', file, ...TINY, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/mfx: error: cannot write \S+: the disk is full \(ENOSPC\)/);
    expect(r.stderr).toContain(`--resume ${out}`);
    expect(r.stderr).not.toContain('bug in mfx');
    expect(tempFilesUnder(out)).toEqual([]);
    expect(mount(['-o', 'remount,size=64m', small])).toBeNull();
    const resumed = await mfx(['run', file, '--resume', out, '--quiet', '--no-report', '--no-cache', '--backend', 'wasm']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(tempFilesUnder(out)).toEqual([]);
    expect(JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')).status).toBe('done');
  });

  it('read-only folders: run --out, report --out, compare --out, data show --png and fmt --write say EROFS', async (t) => {
    if (skipReason) return t.skip();
    const cases: [string[], string][] = [
      [['run', path.join(ROOT, 'examples/quickstart.mfx'), ...TINY, '--out', path.join(ro, 'run')], ro],
      [['report', path.join(ROOT, 'docs/results'), '--out', path.join(ro, 'report'), '--no-samples', '--no-png'], ro],
      [['compare', path.join(ROOT, 'docs/results'), path.join(ROOT, 'docs/results'), '--out', path.join(ro, 'c.md')], path.join(ro, 'c.md')],
      [['data', 'show', 'pmnist.tcut', '--png', path.join(ro, 'sub', 'x.png')], ro],
      [['fmt', '--write', path.join(ro, 'f.mfx')], path.join(ro, 'f.mfx')],
    ];
    for (const [args, where] of cases) {
      const r = await mfx(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toContain(`${where}: the file system is read-only (EROFS). Choose a writable folder.`);
      expect(r.stderr).not.toMatch(/bug in mfx|ENOENT/);
    }
    expect(existsSync(path.join(ro, 'run'))).toBe(false);
  });
});
