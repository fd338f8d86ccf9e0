// The canonical layout: one statement per line (unless written `;`-joined on one line), two-space
// indentation inside blocks, single spaces between words, `, ` in lists, numbers as written, at
// most one blank line kept where the source had any. Comments are put back: a comment on its own
// line stays on its own line before the next statement; a comment at the end of a line stays
// after that line's statement, aligned with its neighbours.
import type { Comment, HeadExpr, LayerDecl, Program, Statement } from './ast.js';
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
  const lines: Line[] = [];
  printItems(program.statements, 0, Number.POSITIVE_INFINITY, queue, lines, { lastLine: null }, comments);
  while (lines.length > 0 && lines[lines.length - 1].code === null) lines.pop();
  return lines.length === 0 ? '' : `${alignTrailingComments(lines).join('\n')}\n`;
}

/** One output line: code (null for a blank line) and an optional trailing comment. */
interface Line {
  code: string | null;
  comment: string | null;
  /** The line holds exactly one or more whole one-line items, so the next item may join it with `; `. */
  joinable: boolean;
}

interface Cursor {
  /** Source line where the previously printed item ended, for keeping blank lines. */
  lastLine: number | null;
}

/**
 * Layout rules: statements written on one source line stay on one line, joined by `; ` (so the
 * one-liner stays a one-liner); a block written on one line without comments stays on one line;
 * every other statement gets its own line; one blank line is kept where the source had any.
 */
function printItems(items: Item[], depth: number, end: number, queue: CommentQueue, out: Line[], cursor: Cursor, all: Comment[]): void {
  const indent = '  '.repeat(depth);
  const blankIfGap = (line: number) => {
    const last = out[out.length - 1];
    if (cursor.lastLine !== null && line > cursor.lastLine + 1 && last && last.code !== null) out.push({ code: null, comment: null, joinable: false });
  };
  let previous: Item | null = null;
  for (const [index, item] of items.entries()) {
    const leading = queue.takeBefore(item.span.offset);
    for (const c of leading) {
      blankIfGap(c.span.line);
      out.push({ code: `${indent}#${c.text}`.trimEnd(), comment: null, joinable: false });
      cursor.lastLine = c.span.endLine;
    }
    const last = out[out.length - 1];
    const oneLine = fitsOnOneLine(item, all);
    if (previous && leading.length === 0 && oneLine && last?.joinable && last.comment === null && previous.span.endLine === item.span.line) {
      last.code += `; ${oneLine}`;
    } else {
      blankIfGap(item.span.line);
      if (oneLine !== null) out.push({ code: indent + oneLine, comment: null, joinable: true });
      else printBlock(item as BlockItem, depth, queue, out, cursor, all);
    }
    const next = items[index + 1];
    const trailing = queue.takeTrailing(item.span.endLine, next ? next.span.offset : end);
    if (trailing) out[out.length - 1].comment = `#${trailing.text}`.trimEnd();
    cursor.lastLine = item.span.endLine;
    previous = item;
  }
  for (const c of queue.takeBefore(end)) {
    blankIfGap(c.span.line);
    out.push({ code: `${indent}#${c.text}`.trimEnd(), comment: null, joinable: false });
    cursor.lastLine = c.span.endLine;
  }
}

type BlockItem = Extract<Item, { kind: 'arm' } | { kind: 'model-block' }>;

function blockParts(item: BlockItem): { header: string; body: Item[] } {
  return item.kind === 'arm' ? { header: `arm ${item.name.text} {`, body: item.body } : { header: 'model {', body: item.layers };
}

/** The item's text when it belongs on one line, else null (a block written over several lines or holding comments). */
function fitsOnOneLine(item: Item, all: Comment[]): string | null {
  if (item.kind !== 'arm' && item.kind !== 'model-block') return printLine(item);
  if (item.span.line !== item.span.endLine) return null;
  const end = item.span.offset + item.span.length;
  if (all.some((c) => c.span.offset > item.span.offset && c.span.offset < end)) return null;
  const { header, body } = blockParts(item);
  const inner = body.map((b) => fitsOnOneLine(b, all));
  if (inner.some((t) => t === null)) return null;
  return inner.length === 0 ? `${header}}` : `${header} ${inner.join('; ')} }`;
}

function printBlock(item: BlockItem, depth: number, queue: CommentQueue, out: Line[], cursor: Cursor, all: Comment[]): void {
  const indent = '  '.repeat(depth);
  const { header, body } = blockParts(item);
  out.push({ code: indent + header, comment: null, joinable: false });
  cursor.lastLine = item.span.line;
  const before = out.length;
  printItems(body, depth + 1, item.span.offset + item.span.length - 1, queue, out, cursor, all);
  if (out.length === before) out[out.length - 1].code += '}';
  else out.push({ code: `${indent}}`, comment: null, joinable: false });
}

/** Trailing comments on consecutive lines start in one column, two spaces after the longest code. */
function alignTrailingComments(lines: Line[]): string[] {
  const text: string[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i].comment === null) {
      text.push(lines[i].code ?? '');
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && lines[j].comment !== null) j++;
    const width = Math.max(...lines.slice(i, j).map((l) => (l.code ?? '').length));
    for (const l of lines.slice(i, j)) text.push(`${(l.code ?? '').padEnd(width)}  ${l.comment}`);
    i = j;
  }
  return text;
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
    case 'shards':
    case 'seed':
    case 'repeat':
    case 'validation':
      return `${item.kind} ${item.value.raw}`;
    case 'baseline':
      return `baseline ${item.arm.text}`;
    case 'sweep':
      return `sweep ${item.name.text} in [${item.values.map((v) => (v.kind === 'number' ? v.raw : v.text)).join(', ')}]`;
    case 'train':
      return `${item.pretrain ? 'pretrain' : 'train'} ${item.epochs.raw}${item.alternate ? ' alternate' : ''}${item.select ? ' select' : ''}${onText(item.on)}`;
    case 'freeze':
    case 'unfreeze':
    case 'reset':
      return `${item.kind} ${list(item.selectors)}`;
    case 'invert':
      return `invert ${item.activation.text}${item.on ? ` on ${item.on.text}` : ''}`;
    case 'lr':
      return `lr ${item.value.raw}${item.selectors.length > 0 ? ` for ${list(item.selectors)}` : ''}`;
    case 'eval':
      return `eval ${list(item.testSets)}${item.everyEpoch ? ' every epoch' : ''}${item.label ? ` as ${item.label.text}` : ''}${onText(item.on)}`;
    case 'save':
    case 'load':
      return `${item.kind} ${quote(item.path.value)}`;
    case 'head':
      return `head ${item.name.text}`;
    case 'conv': {
      const k = item.kernel.raw;
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

/** ` on main + missing`, or nothing. */
function onText(on: HeadExpr | null): string {
  return on ? ` on ${on.heads.map((h) => h.text).join(' + ')}` : '';
}

function layerName(layer: LayerDecl): string {
  return layer.name ? `${layer.name.text}: ` : '';
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
