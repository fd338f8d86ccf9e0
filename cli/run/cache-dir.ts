// Where `mfx run` keeps its cross-run state cache: --cache DIR, else $MFX_CACHE_DIR (`off` or
// empty: no cache, which the test configuration uses), else $XDG_CACHE_HOME/mfx or ~/.cache/mfx.
import path from 'node:path';
import { defaultCacheDir } from '../../runtime/reuse/state-cache.js';

/** `flag` is commander's value for `--cache <dir>` / `--no-cache`; null means no cache. */
export function resolveCacheDir(flag: string | boolean | undefined, env: Record<string, string | undefined>): string | null {
  if (flag === false) return null;
  if (typeof flag === 'string') return path.resolve(flag);
  const fromEnv = env.MFX_CACHE_DIR;
  if (fromEnv !== undefined) return fromEnv.trim() === '' || fromEnv === 'off' ? null : path.resolve(fromEnv);
  return defaultCacheDir(env);
}
