// CST → AST, in two moves: the visitor below turns Chevrotain's CST into raw statements in
// source order (the CST groups children by type), and forms.ts gives each raw statement its
// meaning. The visitor is validated against the grammar, so a new rule without a visit
// method fails at start-up rather than silently.
import type { IToken } from 'chevrotain';
import type {
  BlockCstChildren,
  ProgramCstChildren,
  StatementCstChildren,
  StatementCstNode,
  StrayCstChildren,
  StrayCstNode,
} from './cst.js';
import { mfxParser } from './parser.js';
import type { RawBlock, RawItem, RawStatement } from './raw.js';
import { isInserted } from './raw.js';

const BaseVisitor = mfxParser.getBaseCstVisitorConstructor();

class RawItemVisitor extends BaseVisitor {
  constructor() {
    super();
    this.validateVisitor();
  }

  program(children: ProgramCstChildren): RawItem[] {
    return this.items(children.statement, children.stray, children.strayClose);
  }

  statement(children: StatementCstChildren): RawStatement {
    // Recovery can leave any child out of the CST, so nothing here is assumed present.
    const args = (children.args ?? []).filter((t) => !isInserted(t));
    const block = children.block ? (this.visit(children.block[0]) as RawBlock | null) : null;
    return { kind: 'statement', head: children.head?.[0], args, block };
  }

  block(children: BlockCstChildren): RawBlock | null {
    const open = children.LBrace?.[0];
    if (!open || isInserted(open)) return null;
    const close = children.RBrace?.[0];
    return {
      open,
      items: this.items(children.statement, children.stray, undefined),
      close: close && !isInserted(close) ? close : null,
    };
  }

  stray(children: StrayCstChildren): IToken | undefined {
    return children.start?.[0];
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
    // Only statements and strays interleave; when there are no strays the order is already right.
    if (items.length > (statements?.length ?? 0)) {
      const start = (i: RawItem) => (i.kind === 'stray' ? i.token.startOffset : i.head.startOffset);
      items.sort((a, b) => start(a) - start(b));
    }
    return items;
  }
}

const rawItemVisitor = new RawItemVisitor();

/** The raw statements of a program CST, in source order. */
export function cstToRawItems(cst: import('chevrotain').CstNode): RawItem[] {
  return rawItemVisitor.visit(cst) as RawItem[];
}
