// The canonical layout: one statement per line, two-space indentation inside blocks, single
// spaces between words, `, ` in lists, numbers as written, at most one blank line kept where
// the source had any. Comments are put back: a comment on its own line stays on its own line
// before the next statement; a comment at the end of a line stays after that line's statement.
import type { Comment, LayerDecl, Program, Span, Statement } from './ast.js';
import { assertNever } from './ast.js';

type Item = Statement | LayerDecl;

class CommentQueue {
  private i = 0;
  constructor(private readonly comments: Comment[]) {}
  /** Comments that start before `offset`, removed from the queue. */
  takeBefore(offset: number): Comment[] {
    const out: Comment[] = [];
    while (this.i < this.comments.length && this.comments[this.i].span.offset < offset) out.push(this.comments[this.i++]);
    return out;
  }
  /** The next comment, if it is on `line` and before `limit`. */
  takeTrailing(line: number, limit: number): Comment | null {
    const c = this.comments[this.i];
    if (c && c.span.line === line && c.span.offset < limit) {
      this.i++;
      return c;
    }
    return null;
  }
}

/** Prints a program in canonical layout. */
export function print(program: Program): string {
  const comments = [...program.comments].sort((a, b) => a.span.offset - b.span.offset);
  const queue = new CommentQueue(comments);
  const lines: string[] = [];
  printItems(program.statements, 0, Number.POSITIVE_INFINITY, queue, lines, { lastLine: null });
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

interface Cursor {
  /** Source line where the previously printed item ended, for keeping blank lines. */
  lastLine: number | null;
}

function printItems(items: Item[], depth: number, end: number, queue: CommentQueue, out: string[], cursor: Cursor): void {
  const indent = '  '.repeat(depth);
  const blankIfGap = (line: number) => {
    if (cursor.lastLine !== null && line > cursor.lastLine + 1 && out.length > 0 && out[out.length - 1] !== '') out.push('');
  };
  items.forEach((item, index) => {
    for (const c of queue.takeBefore(item.span.offset)) {
      blankIfGap(c.span.line);
      out.push(`${indent}#${c.text}`.trimEnd());
      cursor.lastLine = c.span.endLine;
    }
    blankIfGap(item.span.line);
    const next = items[index + 1];
    const limit = next ? next.span.offset : end;
    printItem(item, depth, queue, out, cursor);
    const trailing = queue.takeTrailing(item.span.endLine, limit);
    if (trailing) out[out.length - 1] += `  #${trailing.text}`.trimEnd();
    cursor.lastLine = item.span.endLine;
  });
  for (const c of queue.takeBefore(end)) {
    blankIfGap(c.span.line);
    out.push(`${indent}#${c.text}`.trimEnd());
    cursor.lastLine = c.span.endLine;
  }
}

function closeOffset(span: Span): number {
  return span.offset + span.length - 1;
}

function printItem(item: Item, depth: number, queue: CommentQueue, out: string[], cursor: Cursor): void {
  const indent = '  '.repeat(depth);
  if (item.kind === 'arm' || item.kind === 'model-block') {
    const header = item.kind === 'arm' ? `arm ${item.name.text} {` : 'model {';
    const body: Item[] = item.kind === 'arm' ? item.body : item.layers;
    out.push(indent + header);
    cursor.lastLine = item.span.line;
    const before = out.length;
    printItems(body, depth + 1, closeOffset(item.span), queue, out, cursor);
    if (out.length === before) out[out.length - 1] += '}';
    else out.push(`${indent}}`);
    return;
  }
  out.push(indent + printLine(item));
}

/** The text of one statement or layer that has no block. */
export function printLine(item: Exclude<Item, { kind: 'arm' } | { kind: 'model-block' }>): string {
  const list = (gs: { text: string }[]) => gs.map((g) => g.text).join(', ');
  switch (item.kind) {
    case 'experiment':
      return `experiment ${quote(item.title.value)}`;
    case 'dataset':
      return `dataset ${item.name.text}${item.dir ? ` ${quote(item.dir.value)}` : ''}`;
    case 'model-ref':
      return `model ${item.name.text}`;
    case 'optimizer':
      return [`optimizer ${item.name.text}`, ...item.options.map((o) => `${o.name.text} ${o.value.raw}`)].join(' ');
    case 'batch':
    case 'seed':
    case 'repeat':
      return `${item.kind} ${item.value.raw}`;
    case 'baseline':
      return `baseline ${item.arm.text}`;
    case 'train':
      return `${item.pretrain ? 'pretrain' : 'train'} ${item.epochs.raw}${item.alternate ? ' alternate' : ''}`;
    case 'freeze':
    case 'unfreeze':
    case 'reset':
      return `${item.kind} ${list(item.selectors)}`;
    case 'invert':
      return `invert ${item.activation.text}`;
    case 'lr':
      return `lr ${item.value.raw}${item.selectors.length > 0 ? ` for ${list(item.selectors)}` : ''}`;
    case 'eval':
      return `eval ${list(item.testSets)}${item.label ? ` as ${item.label.text}` : ''}`;
    case 'save':
    case 'load':
      return `${item.kind} ${quote(item.path.value)}`;
    case 'conv': {
      const k = item.kernel.kind === 'size' ? `${item.kernel.height}x${item.kernel.width}` : item.kernel.raw;
      const extra = `${item.stride ? ` stride ${item.stride.raw}` : ''}${item.padding ? ` padding ${item.padding.text}` : ''}`;
      return `${layerName(item)}conv ${item.filters.raw} ${k}${extra}`;
    }
    case 'dense':
      return `${layerName(item)}dense ${item.units.raw}`;
    case 'pool':
      return `${layerName(item)}pool ${item.size.raw}`;
    case 'dropout':
    case 'dropout2d':
      return `${layerName(item)}${item.kind} ${item.rate.raw}`;
    case 'flatten':
      return `${layerName(item)}flatten`;
    case 'activation':
      return `${layerName(item)}${item.activation.text}`;
    default:
      return assertNever(item);
  }
}

function layerName(layer: LayerDecl): string {
  return layer.name ? `${layer.name.text}: ` : '';
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
