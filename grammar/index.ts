// The grammar's public face: `parse(text, file)` returns the AST and the syntax diagnostics,
// and never throws on any input.
import type { IRecognitionException } from 'chevrotain';
import type { Comment, Program, Span } from './ast.js';
import { buildStatements } from './forms.js';
import { cstToRawItems } from './cst-to-ast.js';
import type { Diagnostic } from './diagnostic.js';
import { makeDiagnostic } from './diagnostic.js';
import { tokenize } from './lexer.js';
import { mfxParser } from './parser.js';
import { tokenSpan } from './raw.js';
import { SyntaxDiagnostics as S } from './syntax-diagnostics.js';
import { MAX_SOURCE_CHARS, MAX_TOKENS, withinNesting } from './limits.js';

export interface ParseResult {
  ast: Program;
  diagnostics: Diagnostic[];
}

/**
 * Parses mfx source. `file` is only used for messages by callers; it does not affect the AST.
 * The diagnostics are not capped: callers that show them pass them through capDiagnostics.
 */
export function parse(text: string, _file = '<input>'): ParseResult {
  const diagnostics: Diagnostic[] = [];
  if (text.length > MAX_SOURCE_CHARS) return tooLarge(text);
  const lexed = tokenize(text);
  for (const e of lexed.errors) {
    const ch = text.slice(e.offset, e.offset + e.length);
    diagnostics.push(makeDiagnostic(S.unexpectedCharacter, { offset: e.offset, length: Math.max(1, e.length) }, [ch], { hint: unexpectedCharacterHint(ch) }));
  }
  if (lexed.tokens.length > MAX_TOKENS) return tooLarge(text, makeDiagnostic(S.tooManyTokens, { offset: 0, length: 0 }, [MAX_TOKENS], { hint: 'split the experiment into several files' }));
  // The parser recurses once per block level: blocks nested deeper than any program needs are
  // reported and left out before it sees them, so no input can exhaust the stack.
  mfxParser.input = withinNesting(lexed.tokens, diagnostics);
  const cst = mfxParser.program();
  // A missing `}` is reported by the statement forms, at the `{` it belongs to.
  for (const e of mfxParser.errors) if (!/RBrace/.test(e.message)) diagnostics.push(parserErrorToDiagnostic(e, text));
  const items = cstToRawItems(cst);
  const statements = buildStatements(items, 'top', diagnostics);
  const comments: Comment[] = (lexed.groups.comments ?? []).map((t) => ({
    kind: 'comment',
    text: t.image.slice(1),
    span: tokenSpan(t),
  }));
  const lines = text.split(/\r?\n|\r/);
  const span: Span = { offset: 0, length: text.length, line: 1, column: 1, endLine: lines.length };
  diagnostics.sort((a, b) => a.offset - b.offset);
  return { ast: { kind: 'program', statements, comments, span }, diagnostics };
}

/** A file over MAX_SOURCE_CHARS (or MAX_TOKENS): one diagnostic, and no parsing. */
function tooLarge(
  text: string,
  d = makeDiagnostic(S.sourceTooLarge, { offset: 0, length: 0 }, [text.length, MAX_SOURCE_CHARS], { hint: 'split the experiment into several files' }),
): ParseResult {
  const span: Span = { offset: 0, length: text.length, line: 1, column: 1, endLine: 1 };
  return { ast: { kind: 'program', statements: [], comments: [], span }, diagnostics: [d] };
}

function unexpectedCharacterHint(ch: string): string | undefined {
  if (ch.startsWith("'")) return 'strings use double quotes: "like this"';
  if (ch.startsWith('.')) return 'numbers need a leading digit (0.5), and each `.part` of a name starts with a letter, digit, `*` or `?`';
  if (ch.startsWith('/')) return 'comments start with `#`';
  return undefined;
}

function parserErrorToDiagnostic(e: IRecognitionException, text: string): Diagnostic {
  const t = e.token;
  // The only token the grammar ever requires is a block's `}`: at end of input the parser
  // reports EOF (no position), so point at the end of the text.
  const atEnd = t.tokenType.name === 'EOF' || Number.isNaN(t.startOffset);
  const offset = atEnd ? Math.max(0, text.length - 1) : t.startOffset;
  const length = atEnd ? (text.length > 0 ? 1 : 0) : tokenSpan(t).length;
  return makeDiagnostic(S.unexpectedToken, { offset, length }, [e.message]);
}

export type * from './ast.js';
export type { Diagnostic, RelatedInfo, Severity, DiagnosticDef } from './diagnostic.js';
export { makeDiagnostic, defineDiagnostic } from './diagnostic.js';
export { SyntaxDiagnostics } from './syntax-diagnostics.js';
export { closest, didYouMean, editDistance } from './suggest.js';
export { assertNever } from './ast.js';
export { print } from './printer.js';
export { escapeNonPrintable } from './printable.js';
export { capDiagnostics, MAX_DIAGNOSTICS, MAX_NESTING, MAX_SOURCE_CHARS, MAX_TOKENS } from './limits.js';
export { hasPlaceholder, isWholePlaceholder, placeholdersIn, substitutePlaceholders } from './placeholders.js';
export { ACTIVATION_LAYERS, LAYER_KEYWORDS, MAIN_HEAD, STATEMENT_KEYWORDS, SETTING_KEYWORDS, STEP_KEYWORDS } from './keywords.js';
