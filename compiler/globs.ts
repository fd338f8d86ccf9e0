// Globs over names: `*` matches any run of characters within one dot-separated part, `?` one
// character. `conv*` matches conv1 and conv2 but not conv1.weight; `*.*` matches everything.

const cache = new Map<string, RegExp>();

/** The regular expression for a glob, anchored at both ends (cached: programs repeat globs). */
export function globToRegExp(glob: string): RegExp {
  const hit = cache.get(glob);
  if (hit) return hit;
  let re = '';
  for (const ch of glob) {
    if (ch === '*') re += '[^.]*';
    else if (ch === '?') re += '[^.]';
    else re += ch.replace(/[.+^${}()|[\]\\-]/g, '\\$&');
  }
  const regExp = new RegExp(`^${re}$`);
  if (cache.size < 10_000) cache.set(glob, regExp);
  return regExp;
}

/** The names the glob matches, in the order given. */
export function matchGlob(glob: string, names: readonly string[]): string[] {
  const re = globToRegExp(glob);
  return names.filter((n) => re.test(n));
}
