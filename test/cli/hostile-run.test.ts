// `mfx run` against failing machines and runs that produce nothing (issue 19): exit codes that
// tell the truth, environment errors in words, run-folder locks, temporary files swept.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT_NO_RESULTS } from '../../cli/commands/run.js';
import { runMain as mfx } from './helpers/run-main.js';

const TINY = ['--backend', 'wasm', '--train-subset', '256', '--test-subset', '20', '--quiet', '--no-report', '--no-cache'];
const work = () => mkdtempSync(path.join(tmpdir(), 'mfx-hostile-run-'));

describe('mfx run: exit codes that tell the truth', () => {
  it('exits non-zero when every arm diverges (lr 1e308)', async () => {
    const dir = work();
    const file = path.join(dir, 'diverge.mfx');
    writeFileSync(file, 'optimizer sgd lr 1e308\ntrain 2\neval pmnist.unmodified\n');
    const r = await mfx(['run', file, ...TINY, '--out', path.join(dir, 'run')]);
    expect(r.code, r.stderr).toBe(EXIT_NO_RESULTS);
    expect(r.stderr).toMatch(/no arm produced a result \(diverged/);
    expect(JSON.parse(readFileSync(path.join(dir, 'run', 'results.json'), 'utf8')).evals).toEqual([]);
  });
});

// The injection seam: node:fs as the runtime and the CLI see it, with writes that can be made
// to fail like a full disk. It always runs (no root, no mount needed).
const fault = vi.hoisted(() => ({ when: null as null | ((file: string) => boolean), code: 'ENOSPC' }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const fail = (file: unknown) => {
    if (fault.when && typeof file === 'string' && fault.when(file)) {
      throw Object.assign(new Error(`${fault.code}: injected, write`), { code: fault.code, syscall: 'write', errno: -28 });
    }
  };
  const writeFileSync: typeof fs.writeFileSync = (file, ...rest) => {
    fail(file);
    return fs.writeFileSync(file, ...rest);
  };
  const appendFileSync: typeof fs.appendFileSync = (file, ...rest) => {
    fail(file);
    return fs.appendFileSync(file, ...rest);
  };
  return { ...fs, default: { ...fs, writeFileSync, appendFileSync }, writeFileSync, appendFileSync };
});

const tempFilesUnder = (dir: string): string[] =>
  (readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.tmp-\d+-\d+$/.test(f));

describe('mfx run on a failing disk (injected)', () => {
  afterEach(() => {
    fault.when = null;
  });

  it('a full disk mid-run is an environment error with the path, the cause, the resume hint, and no temp files', async () => {
    const dir = work();
    const file = path.join(dir, 'two.mfx');
    writeFileSync(file, 'train 1\narm a { eval pmnist.unmodified }\narm b { train 1; eval pmnist.unmodified }\n');
    const out = path.join(dir, 'run');
    // The checkpoint of the second arm lands on a full disk.
    fault.when = (f) => f.includes(`${path.sep}b${path.sep}`) && f.includes('.mfxc.tmp-');
    const r = await mfx(['run', file, ...TINY, '--jobs', '1', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mfx: error: cannot write .*checkpoints\/b\/seed-1\.mfxc: the disk is full \(ENOSPC\)\. Free some space/m);
    expect(r.stderr).toContain(`continue with: mfx run ${file} --resume ${out}`);
    expect(r.stderr).not.toContain('bug in mfx');
    expect(tempFilesUnder(out)).toEqual([]);
    expect(existsSync(path.join(out, 'run.lock'))).toBe(false);

    fault.when = null;
    const resumed = await mfx(['run', file, '--resume', out, '--quiet', '--no-report', '--no-cache', '--backend', 'wasm']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')).evals).toHaveLength(2);
  });

  it('resume sweeps the temp files a dead writer left behind, and keeps those of live ones', async () => {
    const dir = work();
    const file = path.join(dir, 'one.mfx');
    writeFileSync(file, 'train 1\neval pmnist.unmodified\n');
    const out = path.join(dir, 'run');
    expect((await mfx(['run', file, ...TINY, '--out', out])).code).toBe(0);
    const dead = path.join(out, 'results.json.tmp-999999999-3');
    const live = path.join(out, `results.json.tmp-${process.pid}-77`);
    writeFileSync(dead, 'half');
    writeFileSync(live, 'half');
    expect((await mfx(['run', file, '--resume', out, '--quiet', '--no-report', '--no-cache', '--backend', 'wasm'])).code).toBe(0);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });

  it('report and fmt --write name the environment failure instead of calling it a bug', async () => {
    const dir = work();
    const mfxFile = path.join(dir, 'f.mfx');
    writeFileSync(mfxFile, 'train   1\neval pmnist.unmodified\n');
    fault.when = (f) => f === mfxFile;
    fault.code = 'EROFS';
    const fmt = await mfx(['fmt', '--write', mfxFile]);
    expect(fmt.code).toBe(1);
    expect(fmt.stderr).toBe(`mfx: error: cannot write ${mfxFile}: the file system is read-only (EROFS). Choose a writable folder.\n`);
    fault.code = 'ENOSPC';
  });
});

describe('run folder lock', () => {
  it('refuses a second run on a folder a live run holds, and takes over a stale lock', async () => {
    const dir = work();
    const file = path.join(dir, 'one.mfx');
    writeFileSync(file, 'train 1\neval pmnist.unmodified\n');
    const out = path.join(dir, 'run');
    expect((await mfx(['run', file, ...TINY, '--out', out])).code).toBe(0);
    // A live process (this one's parent) holds the lock: the resume is refused, nothing is written.
    writeFileSync(path.join(out, 'run.lock'), JSON.stringify({ pid: process.ppid, host: hostname(), since: '2026-01-01T00:00:00Z' }));
    const events = readFileSync(path.join(out, 'events.jsonl'), 'utf8');
    const busy = await mfx(['run', file, '--resume', out, '--quiet', '--no-report', '--no-cache', '--backend', 'wasm']);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain(`${out} is in use by another mfx run (PID ${process.ppid}`);
    expect(readFileSync(path.join(out, 'events.jsonl'), 'utf8')).toBe(events);
    // A lock whose process is gone is stale.
    writeFileSync(path.join(out, 'run.lock'), JSON.stringify({ pid: 999999999, host: hostname(), since: '2026-01-01T00:00:00Z' }));
    const taken = await mfx(['run', file, '--resume', out, '--quiet', '--no-report', '--no-cache', '--backend', 'wasm']);
    expect(taken.code, taken.stderr).toBe(0);
    expect(taken.stderr).toContain('Took over a stale lock');
    expect(existsSync(path.join(out, 'run.lock'))).toBe(false);
  });
});

describe('a backend out of memory', () => {
  it('is told apart from a bug by its own words', async () => {
    const { isOutOfMemory } = await import('../../cli/run/out-of-memory.js');
    expect(isOutOfMemory(Object.assign(new Error('memory access out of bounds'), { name: 'RuntimeError' }))).toBe(true);
    expect(isOutOfMemory(new RangeError('Array buffer allocation failed'))).toBe(true);
    expect(isOutOfMemory(new Error('in a worker thread: memory access out of bounds'))).toBe(true);
    expect(isOutOfMemory(new TypeError('cannot read properties of undefined'))).toBe(false);
    expect(isOutOfMemory(new RangeError('Maximum call stack size exceeded'))).toBe(false);
  });
});
