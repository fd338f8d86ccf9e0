// Canonical JSON: object keys sorted, no whitespace, `undefined` fields dropped, and optionally
// some field names left out at any depth. Used for hashing, so that equal values always give
// the same text. Written as one pass with string building: plans can hold thousands of steps.

export function canonicalJson(value: unknown, omit?: ReadonlySet<string>): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    // Lists of names and numbers (parameter lists, shapes) print as JSON prints them.
    if (value.every((x) => typeof x === 'string' || typeof x === 'number')) return JSON.stringify(value);
    let s = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) s += ',';
      s += canonicalJson(value[i], omit);
    }
    return `${s}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let s = '{';
  let first = true;
  for (const k of keys) {
    const v = record[k];
    if (v === undefined || omit?.has(k)) continue;
    if (!first) s += ',';
    first = false;
    s += `${JSON.stringify(k)}:${canonicalJson(v, omit)}`;
  }
  return `${s}}`;
}
