// The tokens of mfx. The lexical layer is deliberately small: every statement is a head word
// followed by arguments, so keywords are recognised by the statement forms (forms.ts), not by
// the lexer. That keeps any word usable as a name (an arm called `baseline`, a layer `relu`)
// and lets an unknown statement get a "did you mean" instead of a token-level error.
import type { TokenType } from 'chevrotain';
import { createToken, Lexer } from './chevrotain.js';

// Token categories: what may follow a statement's head, what separates statements, and what
// cannot start one. Matching a category is one token test, which keeps the parser fast.
export const Argument = createToken({ name: 'Argument', pattern: Lexer.NA });
export const Separator = createToken({ name: 'Separator', pattern: Lexer.NA });
export const StrayStart = createToken({ name: 'StrayStart', pattern: Lexer.NA });

/** A UTF-8 byte-order mark, only as the file's first character (editors on Windows write one); `mfx fmt` keeps it. */
export const ByteOrderMark = createToken({
  name: 'ByteOrderMark',
  pattern: { exec: (text: string, offset: number) => (offset === 0 && text.charCodeAt(0) === 0xfeff ? ['\ufeff'] : null) } as unknown as RegExp,
  start_chars_hint: ['\ufeff'],
  line_breaks: false,
  group: Lexer.SKIPPED,
});
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\f\v]+/, group: Lexer.SKIPPED });
/** Comments are kept on a side channel so that `mfx fmt` can put them back. */
export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, group: 'comments' });
export const Newline = createToken({ name: 'Newline', pattern: /\r?\n|\r/, line_breaks: true, categories: [Separator] });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/, categories: [Separator] });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/, categories: [StrayStart] });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, categories: [Argument, StrayStart] });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/, categories: [Argument, StrayStart] });
export const Comma = createToken({ name: 'Comma', pattern: /,/, categories: [Argument, StrayStart] });
export const Colon = createToken({ name: 'Colon', pattern: /:/, categories: [Argument, StrayStart] });
/** `+` between head names: `main + missing` sums the heads' logits. */
export const Plus = createToken({ name: 'Plus', pattern: /\+/, categories: [Argument, StrayStart] });
export const StringLit = createToken({ name: 'StringLit', pattern: /"(?:[^"\\\r\n]|\\.)*"/, categories: [Argument, StrayStart] });
/** A string that reaches the end of the line without its closing quote; reported by the AST builder. */
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\r\n]|\\.)*\\?/, categories: [Argument, StrayStart] });
/** `5x5`: kernel sizes (before NumberLit so `5x5` is one token). */
export const SizeLit = createToken({ name: 'SizeLit', pattern: /\d+x\d+/, categories: [Argument, StrayStart] });
export const NumberLit = createToken({ name: 'NumberLit', pattern: /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/, categories: [Argument, StrayStart] });
/**
 * Identifiers and globs: letters, digits, `_`, `-` (not first), `*`, `?`, and `.part`s
 * (`fc1.bias`, a head's `missing.fc1.weight`); `$` starts a sweep placeholder (`$act`,
 * `hybrid-$act-$rate`), accepted by the forms only in arms.
 */
export const Word = createToken({
  name: 'Word',
  pattern: /[A-Za-z_*?$][A-Za-z0-9_*?$-]*(?:\.[A-Za-z0-9_*?$-]+)*/,
  categories: [Argument],
});

/** Order matters: earlier patterns win at the same position. */
export const allTokens: TokenType[] = [
  Argument,
  Separator,
  StrayStart,
  ByteOrderMark,
  WhiteSpace,
  Comment,
  Newline,
  Semicolon,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  Comma,
  Colon,
  Plus,
  StringLit,
  UnterminatedString,
  SizeLit,
  NumberLit,
  Word,
];
