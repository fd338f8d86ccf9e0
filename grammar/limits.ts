// The front end's bounds, so that the work and memory of `parse` and `compile` follow the size
// of the input and nothing else: a file size, a block nesting depth (the parser recurses once
// per level, never per statement), and a cap on the diagnostics kept. The compiler's bounds on
// numbers and arms are in compiler/limits.ts; all of them are documented in docs/language.md.
import type { IToken } from 'chevrotain';
import type { Diagnostic } from './diagnostic.js';
import { makeDiagnostic } from './diagnostic.js';
import { tokenSpan } from './raw.js';
import { SyntaxDiagnostics as S } from './syntax-diagnostics.js';

/** Characters in one .mfx file (2 MiB of ASCII): far above any experiment, far below any trouble. */
export const MAX_SOURCE_CHARS = 2 * 1024 * 1024;
/**
 * Tokens (words, numbers, symbols, line ends) in one file, checked before parsing: parsing
 * costs far more per token than lexing, so this bounds the parser's time and memory. The
 * most arms a file may have (1,000), written `arm NAME { train 1; eval pmnist.* }`, are
 * 10,000 tokens: the bound leaves room for long schedules and model blocks.
 */
export const MAX_TOKENS = 250_000;
/** Block levels: mfx programs use one (`arm { }`, `model { }`); the rest is room for error recovery. */
export const MAX_NESTING = 16;
/** Diagnostics kept per file; the rest are counted in one closing diagnostic. */
export const MAX_DIAGNOSTICS = 100;

/**
 * The tokens with every block deeper than MAX_NESTING left out (from its `{` to the matching
 * `}` or the end), each reported once at its `{`. One pass, no recursion.
 */
export function withinNesting(tokens: IToken[], diagnostics: Diagnostic[]): IToken[] {
  let depth = 0;
  let skipping = 0; // > 0: inside a left-out block, counting its own levels
  let out: IToken[] | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const kind = t.tokenType.name;
    if (skipping > 0) {
      if (kind === 'LBrace') skipping++;
      else if (kind === 'RBrace') skipping--;
      continue;
    }
    if (kind === 'LBrace') {
      if (depth === MAX_NESTING) {
        diagnostics.push(makeDiagnostic(S.tooDeep, tokenSpan(t), [MAX_NESTING], { hint: 'mfx programs use one level: `arm NAME { ... }` and `model { ... }`; check for a missing `}`' }));
        out ??= tokens.slice(0, i);
        skipping = 1;
        continue;
      }
      depth++;
    } else if (kind === 'RBrace' && depth > 0) depth--;
    out?.push(t);
  }
  return out ?? tokens;
}

/** The first MAX_DIAGNOSTICS diagnostics (in the order given) and, past that, one that counts the rest. */
export function capDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  if (diagnostics.length <= MAX_DIAGNOSTICS) return diagnostics;
  const kept = diagnostics.slice(0, MAX_DIAGNOSTICS);
  const next = diagnostics[MAX_DIAGNOSTICS];
  const rest = diagnostics.slice(MAX_DIAGNOSTICS);
  // An error when any of those not shown is one, so the summary never hides a failure.
  const severity = rest.some((d) => d.severity === 'error') ? 'error' : 'warning';
  kept.push({ ...makeDiagnostic(S.tooManyDiagnostics, { offset: next.offset, length: 0 }, [rest.length, MAX_DIAGNOSTICS]), severity });
  return kept;
}
