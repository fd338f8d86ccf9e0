// The tokens of mfx. The lexical layer is deliberately small: every statement is a head word
// followed by arguments, so keywords are recognised by the statement forms (forms.ts), not by
// the lexer. That keeps any word usable as a name (an arm called `baseline`, a layer `relu`)
// and lets an unknown statement get a "did you mean" instead of a token-level error.
import { createToken, Lexer, type TokenType } from 'chevrotain';

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\f\v]+/, group: Lexer.SKIPPED });
/** Comments are kept on a side channel so that `mfx fmt` can put them back. */
export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, group: 'comments' });
export const Newline = createToken({ name: 'Newline', pattern: /\r?\n|\r/, line_breaks: true });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/ });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/ });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Colon = createToken({ name: 'Colon', pattern: /:/ });
export const StringLit = createToken({ name: 'StringLit', pattern: /"(?:[^"\\\r\n]|\\.)*"/ });
/** A string that reaches the end of the line without its closing quote; reported by the AST builder. */
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\r\n]|\\.)*\\?/ });
/** `5x5`: kernel sizes (before NumberLit so `5x5` is one token). */
export const SizeLit = createToken({ name: 'SizeLit', pattern: /\d+x\d+/ });
export const NumberLit = createToken({ name: 'NumberLit', pattern: /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/ });
/** Identifiers and globs: letters, digits, `_`, `-` (not first), `*`, `?`, and one `.part`. */
export const Word = createToken({
  name: 'Word',
  pattern: /[A-Za-z_*?][A-Za-z0-9_*?-]*(?:\.[A-Za-z0-9_*?-]+)?/,
});

/** Order matters: earlier patterns win at the same position. */
export const allTokens: TokenType[] = [
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
  StringLit,
  UnterminatedString,
  SizeLit,
  NumberLit,
  Word,
];
