// Sweep placeholders: `$NAME` inside arm names and arguments (see `sweep` in docs/language.md).
// One home for what a placeholder looks like, shared by the statement forms and the compiler.

/** A `$` and the sweep name after it (letters, digits, `_`: no `-`, so `$act-$rate` reads as two). */
const PLACEHOLDER = /\$([A-Za-z0-9_]*)/g;

/** A sweep name as declared by `sweep NAME in [...]`. */
export function isSweepName(text: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(text);
}

export function hasPlaceholder(text: string): boolean {
  return text.includes('$');
}

/** The whole text is one placeholder, e.g. `$rate`. */
export function isWholePlaceholder(text: string): boolean {
  return /^\$[A-Za-z0-9_]+$/.test(text);
}

/** A name that may hold placeholders: `hybrid-$act-$rate`, `e$n`, `$act`. */
export function isTemplateName(text: string): boolean {
  return /^(?:[A-Za-z_]|\$[A-Za-z0-9_]+)(?:[A-Za-z0-9_-]|\$[A-Za-z0-9_]+)*$/.test(text);
}

export interface PlaceholderUse {
  /** The sweep name (may be empty for a lone `$`). */
  name: string;
  /** Offset of the `$` within the text. */
  index: number;
  /** Length of `$NAME`. */
  length: number;
}

/** Every placeholder in a text, in order. */
export function placeholdersIn(text: string): PlaceholderUse[] {
  if (!text.includes('$')) return [];
  return [...text.matchAll(PLACEHOLDER)].map((m) => ({ name: m[1], index: m.index ?? 0, length: m[0].length }));
}

/** The text with every placeholder replaced by its value (unknown names are left as written). */
export function substitutePlaceholders(text: string, values: ReadonlyMap<string, string>): string {
  if (!text.includes('$')) return text;
  return text.replace(PLACEHOLDER, (whole, name: string) => values.get(name) ?? whole);
}
