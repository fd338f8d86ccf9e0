// Turns text into tokens; never throws. Unknown characters become lexing errors with offsets.
import type { ILexingResult } from 'chevrotain';
import { Lexer } from './chevrotain.js';
import { allTokens } from './tokens.js';

// positionTracking 'full' gives every token a line and column for AST spans.
const mfxLexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false });

/** Tokenises mfx source; `groups.comments` holds the comments in source order. */
export function tokenize(text: string): ILexingResult {
  return mfxLexer.tokenize(text);
}
