// Differences between two sequences of lines (steps, layers) via a longest common
// subsequence, reported as removals, additions and in-place changes with 1-based positions.

export type SequenceChange =
  | { kind: 'removed'; index: number; text: string } // index in the old sequence
  | { kind: 'added'; index: number; text: string } // index in the new sequence
  | { kind: 'changed'; oldIndex: number; newIndex: number; from: string; to: string };

export function diffSequences(a: string[], b: string[]): SequenceChange[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const changes: SequenceChange[] = [];
  let removed: number[] = [];
  let added: number[] = [];
  // A run of removals next to a run of additions is the same slot edited: pair them up.
  const flush = () => {
    const pairs = Math.min(removed.length, added.length);
    for (let k = 0; k < pairs; k++) changes.push({ kind: 'changed', oldIndex: removed[k] + 1, newIndex: added[k] + 1, from: a[removed[k]], to: b[added[k]] });
    for (const i of removed.slice(pairs)) changes.push({ kind: 'removed', index: i + 1, text: a[i] });
    for (const j of added.slice(pairs)) changes.push({ kind: 'added', index: j + 1, text: b[j] });
    removed = [];
    added = [];
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      flush();
      i++;
      j++;
    } else if (j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) removed.push(i++);
    else added.push(j++);
  }
  flush();
  return changes;
}
