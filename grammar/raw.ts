// The uniform shape every statement has before its form is known: what the CST visitor
// produces and the statement forms (forms.ts) consume.
import type { IToken } from 'chevrotain';
import type { Span } from './ast.js';

export interface RawBlock {
  open: IToken;
  items: RawItem[];
  /** Null when the `}` is missing (recovery inserted it). */
  close: IToken | null;
}

export interface RawStatement {
  kind: 'statement';
  head: IToken;
  args: IToken[];
  block: RawBlock | null;
}

/** A token where a statement should start: `10`, `,`, a stray `{` or `}`. */
export interface RawStray {
  kind: 'stray';
  token: IToken;
}

export type RawItem = RawStatement | RawStray;

/** True for tokens the parser's recovery made up: they have no position in the text. */
export function isInserted(token: IToken): boolean {
  return token.isInsertedInRecovery === true || Number.isNaN(token.startOffset);
}

export function tokenSpan(token: IToken): Span {
  return {
    offset: token.startOffset,
    length: token.endOffset! - token.startOffset + 1,
    line: token.startLine!,
    column: token.startColumn!,
    endLine: token.endLine!,
  };
}

/** The span from the start of `first` to the end of `last`. */
export function joinSpans(first: Span, last: Span): Span {
  return {
    offset: first.offset,
    length: last.offset + last.length - first.offset,
    line: first.line,
    column: first.column,
    endLine: last.endLine,
  };
}

export function statementSpan(s: RawStatement): Span {
  let last = s.head;
  if (s.args.length > 0) last = s.args[s.args.length - 1];
  if (s.block) {
    last = s.block.open;
    const lastItem = s.block.items[s.block.items.length - 1];
    if (s.block.close) last = s.block.close;
    else if (lastItem) return joinSpans(tokenSpan(s.head), itemSpan(lastItem));
  }
  return joinSpans(tokenSpan(s.head), tokenSpan(last));
}

export function itemSpan(item: RawItem): Span {
  return item.kind === 'stray' ? tokenSpan(item.token) : statementSpan(item);
}
