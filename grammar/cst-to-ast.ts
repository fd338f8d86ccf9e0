// CST → AST, in two moves: the visitor below turns Chevrotain's CST into raw statements in
// source order (the CST groups children by type), and forms.ts gives each raw statement its
// meaning. The visitor is validated against the grammar, so a new rule without a visit
// method fails at start-up rather than silently.
import type { IToken } from 'chevrotain';
import type {
  ArgumentCstChildren,
  BlockCstChildren,
  ProgramCstChildren,
  SeparatorCstChildren,
  StatementCstChildren,
  StatementCstNode,
  StrayCstChildren,
  StrayCstNode,
} from './cst.js';
import { mfxParser } from './parser.js';
import type { RawBlock, RawItem, RawStatement } from './raw.js';
import { isInserted } from './raw.js';

const BaseVisitor = mfxParser.getBaseCstVisitorConstructor();

function firstToken(children: Record<string, IToken[] | undefined>): IToken | undefined {
  for (const tokens of Object.values(children)) if (tokens && tokens.length > 0) return tokens[0];
  return undefined;
}

class RawItemVisitor extends BaseVisitor {
  constructor() {
    super();
    this.validateVisitor();
  }

  program(children: ProgramCstChildren): RawItem[] {
    return this.items(children.statement, children.stray, children.strayClose);
  }

  statement(children: StatementCstChildren): RawStatement {
    const args = (children.argument ?? []).map((a) => this.visit(a) as IToken | undefined).filter((t): t is IToken => t !== undefined && !isInserted(t));
    const block = children.block ? (this.visit(children.block[0]) as RawBlock | null) : null;
    return { kind: 'statement', head: children.head?.[0], args, block };
  }

  argument(children: ArgumentCstChildren): IToken | undefined {
    return firstToken(children as Record<string, IToken[] | undefined>);
  }

  block(children: BlockCstChildren): RawBlock | null {
    if (!children.LBrace?.[0] || isInserted(children.LBrace[0])) return null;
    // Recovery can leave a block without its braces in the CST: every child is optional here.
    const close = children.RBrace?.[0];
    return {
      open: children.LBrace?.[0],
      items: this.items(children.statement, children.stray, undefined),
      close: close && !isInserted(close) ? close : null,
    };
  }

  separator(_children: SeparatorCstChildren): null {
    return null;
  }

  stray(children: StrayCstChildren): IToken | undefined {
    const { argument: _rest, ...first } = children;
    return firstToken(first as Record<string, IToken[] | undefined>);
  }

  /** Merges the per-type child lists back into source order. */
  private items(
    statements: StatementCstNode[] | undefined,
    strays: StrayCstNode[] | undefined,
    strayCloses: IToken[] | undefined,
  ): RawItem[] {
    const items: RawItem[] = [];
    for (const s of statements ?? []) {
      const st = this.visit(s) as RawStatement;
      if (st.head && !isInserted(st.head)) items.push(st);
    }
    for (const s of strays ?? []) {
      const token = this.visit(s) as IToken | undefined;
      if (token && !isInserted(token)) items.push({ kind: 'stray', token });
    }
    for (const t of strayCloses ?? []) if (!isInserted(t)) items.push({ kind: 'stray', token: t });
    const start = (i: RawItem) => (i.kind === 'stray' ? i.token.startOffset : i.head.startOffset);
    return items.filter((i) => !Number.isNaN(start(i))).sort((a, b) => start(a) - start(b));
  }
}

const rawItemVisitor = new RawItemVisitor();

/** The raw statements of a program CST, in source order. */
export function cstToRawItems(cst: import('chevrotain').CstNode): RawItem[] {
  return rawItemVisitor.visit(cst) as RawItem[];
}
