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
  // A run of removals next to a run of additions is the same slot edited: pair lines of the
  // same kind (first word: `train 2` with `train 3`, not `reset fc1` with `train 3`) in order.
  const kind = (line: string) => line.split(' ')[0];
  const flush = () => {
    const out: (SequenceChange & { at: number })[] = [];
    const free = [...added];
    for (const i of removed) {
      const k = free.findIndex((j) => kind(b[j]) === kind(a[i]));
      if (k >= 0) {
        const j = free.splice(k, 1)[0];
        out.push({ kind: 'changed', oldIndex: i + 1, newIndex: j + 1, from: a[i], to: b[j], at: i });
      } else out.push({ kind: 'removed', index: i + 1, text: a[i], at: i });
    }
    for (const j of free) out.push({ kind: 'added', index: j + 1, text: b[j], at: removed.length > 0 ? removed[removed.length - 1] + 0.5 : j });
    out.sort((x, y) => x.at - y.at);
    changes.push(...out.map(({ at: _at, ...c }) => c as SequenceChange));
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
