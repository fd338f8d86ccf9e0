// The mfx grammar. Every statement has the same outer shape, a head word, arguments and an
// optional `{ block }`; which heads exist and what their arguments mean is decided by the
// statement forms (forms.ts) so that errors can speak the language ("`train` expects a number
// of epochs") instead of token names. Recovery is on: a missing `}` is reported and parsing
// continues, and stray tokens become their own node so one mistake never hides the next.
import type { CstNode, IOrAlt } from 'chevrotain';
import { CstParser } from './chevrotain.js';
import { allTokens, Argument, LBrace, RBrace, Separator, StrayStart, Word } from './tokens.js';

export class MfxParser extends CstParser {
  // Alternatives are built once: Chevrotain would otherwise get fresh closures on every call.
  private topAlternatives?: IOrAlt<unknown>[];
  private blockAlternatives?: IOrAlt<unknown>[];

  constructor() {
    super(allTokens, { recoveryEnabled: true, nodeLocationTracking: 'full' });
    this.performSelfAnalysis();
  }

  /** A whole file: statements separated by `;` or newlines, strays kept for the AST builder. */
  program = this.RULE('program', () => {
    this.MANY(() => {
      this.OR(
        (this.topAlternatives ??= [
          { ALT: () => this.SUBRULE(this.statement) },
          { ALT: () => this.CONSUME(Separator) },
          { ALT: () => this.SUBRULE(this.stray) },
          { ALT: () => this.CONSUME(RBrace, { LABEL: 'strayClose' }) },
        ]),
      );
    });
  });

  /** `head arg arg ... [{ ... }]`, e.g. `train 20 alternate` or `arm hybrid { ... }`. */
  statement = this.RULE('statement', () => {
    this.CONSUME(Word, { LABEL: 'head' });
    this.MANY(() => this.CONSUME(Argument, { LABEL: 'args' }));
    this.OPTION(() => this.SUBRULE(this.block));
  });

  block = this.RULE('block', () => {
    this.CONSUME(LBrace);
    this.MANY(() => {
      this.OR(
        (this.blockAlternatives ??= [
          { ALT: () => this.SUBRULE(this.statement) },
          { ALT: () => this.CONSUME(Separator) },
          { ALT: () => this.SUBRULE(this.stray) },
        ]),
      );
    });
    this.CONSUME(RBrace);
  });

  /**
   * A token that cannot start a statement (`10 train`, a lone `{`), with the rest of its
   * statement: kept so the AST builder reports it once instead of failing on every word after it.
   */
  stray = this.RULE('stray', () => {
    this.CONSUME(StrayStart, { LABEL: 'start' });
    this.MANY(() => this.CONSUME(Argument, { LABEL: 'args' }));
  });
}

/** One parser instance, reused: Chevrotain parsers are stateful but resettable via `input`. */
export const mfxParser = new MfxParser();

export type { CstNode };
