// Text from a file shown to a person must not act on their terminal: control characters
// (`\x1b]0;...`, `\x1b[2J`), invisible format characters (a BOM, bidi overrides, zero-width
// spaces) and lone surrogates are written as escapes (`\x1b`, `\u{feff}`). Used by every
// diagnostic (grammar/diagnostic.ts) and by the source lines the CLI shows beside them.

/** Control (Cc), format (Cf), surrogate (Cs) and line/paragraph separator characters; tab is kept when `keepTab`. */
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]/gu;

function escapeChar(ch: string): string {
  const code = ch.codePointAt(0)!;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** `text` with every non-printable character escaped; tabs stay tabs when `keepTab` (source lines). */
export function escapeNonPrintable(text: string, keepTab = false): string {
  return text.replace(NON_PRINTABLE, (ch) => (keepTab && ch === '\t' ? ch : escapeChar(ch)));
}
