// The compiled `mfx` (bin/mfx.js runs dist/) for tests that start it as a process. Refuses a
// dist/ built from other sources than the checkout's, so such a test never passes or fails on
// stale code: run `npm run build` after editing (npm ci builds too).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceHash } from '../../scripts/source-hash.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const STAMP = path.join(ROOT, 'dist', 'build-stamp.json');

/** Why dist/ cannot be trusted, or null when it was built from exactly these sources. */
export function distProblem(): string | null {
  if (!existsSync(STAMP)) return 'dist/ has not been built (no dist/build-stamp.json): run `npm run build`';
  const built = (JSON.parse(readFileSync(STAMP, 'utf8')) as { sources?: string }).sources;
  if (built !== sourceHash(ROOT)) return 'dist/ is stale: the sources changed since the last build. Run `npm run build`';
  return null;
}

/** Path of bin/mfx.js, after checking that dist/ matches the sources. */
export function builtMfx(): string {
  const problem = distProblem();
  if (problem) throw new Error(problem);
  return path.join(ROOT, 'bin', 'mfx.js');
}
