// "Did you mean" suggestions: the closest candidate by edit distance, if it is close enough.

/** Levenshtein distance (insert, delete, substitute; each costs 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    prev = cur;
  }
  return prev[b.length];
}

/** The candidate nearest to `word`, or null when none is plausibly what was meant. */
export function closest(word: string, candidates: readonly string[]): string | null {
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3) + 1));
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const dist = editDistance(word.toLowerCase(), c.toLowerCase());
    if (dist < bestDistance) {
      best = c;
      bestDistance = dist;
    }
  }
  if (best !== null && bestDistance <= limit && bestDistance < Math.max(word.length, 2)) return best;
  // A clear prefix (`fashion` for `fashion-mnist`) is a good guess even when far in edits.
  const prefixed = word.length >= 3 ? candidates.filter((c) => c.toLowerCase().startsWith(word.toLowerCase())) : [];
  return prefixed.length === 1 ? prefixed[0] : null;
}

/** `did you mean \`x\`?` or undefined. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const c = closest(word, candidates);
  return c === null ? undefined : `did you mean \`${c}\`?`;
}
