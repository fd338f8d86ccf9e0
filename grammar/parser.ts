// The mfx grammar. Every statement has the same outer shape, a head word, arguments and an
// optional `{ block }`; which heads exist and what their arguments mean is decided by the
// statement forms (forms.ts) so that errors can speak the language ("`train` expects a number
// of epochs") instead of token names. Recovery is on: a missing `}` is reported and parsing
// continues, and stray tokens become their own node so one mistake never hides the next.
import { CstParser, type CstNode } from 'chevrotain';
import {
  allTokens,
  Colon,
  Comma,
  LBrace,
  LBracket,
  Newline,
  NumberLit,
  RBrace,
  RBracket,
  Semicolon,
  SizeLit,
  StringLit,
  UnterminatedString,
  Word,
} from './tokens.js';

export class MfxParser extends CstParser {
  constructor() {
    super(allTokens, { recoveryEnabled: true, nodeLocationTracking: 'full' });
    this.performSelfAnalysis();
  }

  /** A whole file: statements separated by `;` or newlines. */
  program = this.RULE('program', () => {
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.statement) },
        { ALT: () => this.SUBRULE(this.separator) },
        { ALT: () => this.SUBRULE(this.stray) },
        { ALT: () => this.CONSUME(RBrace, { LABEL: 'strayClose' }) },
      ]);
    });
  });

  /** `head arg arg ... [{ ... }]`, e.g. `train 20 alternate` or `arm hybrid { ... }`. */
  statement = this.RULE('statement', () => {
    this.CONSUME(Word, { LABEL: 'head' });
    this.MANY(() => this.SUBRULE(this.argument));
    this.OPTION(() => this.SUBRULE(this.block));
  });

  argument = this.RULE('argument', () => {
    this.OR([
      { ALT: () => this.CONSUME(Word) },
      { ALT: () => this.CONSUME(NumberLit) },
      { ALT: () => this.CONSUME(SizeLit) },
      { ALT: () => this.CONSUME(StringLit) },
      { ALT: () => this.CONSUME(UnterminatedString) },
      { ALT: () => this.CONSUME(Comma) },
      { ALT: () => this.CONSUME(Colon) },
      { ALT: () => this.CONSUME(LBracket) },
      { ALT: () => this.CONSUME(RBracket) },
    ]);
  });

  block = this.RULE('block', () => {
    this.CONSUME(LBrace);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.statement) },
        { ALT: () => this.SUBRULE(this.separator) },
        { ALT: () => this.SUBRULE(this.stray) },
      ]);
    });
    this.CONSUME(RBrace);
  });

  separator = this.RULE('separator', () => {
    this.OR([{ ALT: () => this.CONSUME(Newline) }, { ALT: () => this.CONSUME(Semicolon) }]);
  });

  /**
   * A token that cannot start a statement (`10 train`, a lone `{`), with the rest of its
   * statement: kept so the AST builder reports it once instead of failing on every word after it.
   */
  stray = this.RULE('stray', () => {
    this.OR([
      { ALT: () => this.CONSUME(NumberLit) },
      { ALT: () => this.CONSUME(SizeLit) },
      { ALT: () => this.CONSUME(StringLit) },
      { ALT: () => this.CONSUME(UnterminatedString) },
      { ALT: () => this.CONSUME(Comma) },
      { ALT: () => this.CONSUME(Colon) },
      { ALT: () => this.CONSUME(LBracket) },
      { ALT: () => this.CONSUME(RBracket) },
      { ALT: () => this.CONSUME(LBrace) },
    ]);
    this.MANY(() => this.SUBRULE(this.argument));
  });
}

/** One parser instance, reused: Chevrotain parsers are stateful but resettable via `input`. */
export const mfxParser = new MfxParser();

export type { CstNode };
