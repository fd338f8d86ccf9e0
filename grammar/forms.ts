// The statement forms: what each head word means and which arguments it takes. Each builder
// reads the raw arguments with an ArgReader and returns a typed AST node, or null after
// reporting the first problem with the statement (one error per statement avoids cascades).
import type { IToken } from 'chevrotain';
import type {
  ArmDecl,
  Glob,
  HeadExpr,
  LayerDecl,
  Name,
  NumberLit,
  SizeLit,
  Span,
  Statement,
  StringLit,
} from './ast.js';
import type { Diagnostic } from './diagnostic.js';
import { hasPlaceholder, isSweepName, isTemplateName, isWholePlaceholder } from './placeholders.js';
import { makeDiagnostic } from './diagnostic.js';
import { assertNever } from './ast.js';
import { ACTIVATION_LAYERS, LAYER_KEYWORDS, PLANNED_LAYERS, PLANNED_STATEMENTS, STATEMENT_KEYWORDS, type LayerKeyword, type StatementKeyword } from './keywords.js';
import type { RawBlock, RawItem, RawStatement } from './raw.js';
import { joinSpans, statementSpan, tokenSpan } from './raw.js';
import { didYouMean } from './suggest.js';
import { SyntaxDiagnostics as S } from './syntax-diagnostics.js';

/** Reads a statement's arguments left to right; the first problem is reported and sticks. */
class ArgReader {
  private i: number;
  failed = false;

  constructor(
    private readonly stmt: RawStatement,
    /** Index of the first argument to read (2 after a layer's `name:`). */
    start: number,
    private readonly usage: string,
    private readonly diags: Diagnostic[],
    /** Inside an arm (and for an arm's name): sweep placeholders (`$act`) may stand for arguments. */
    private readonly placeholders = false,
  ) {
    this.i = start;
  }

  private get args(): IToken[] {
    return this.stmt.args;
  }

  private get label(): string {
    return this.stmt.head.image;
  }

  peek(): IToken | undefined {
    return this.failed ? undefined : this.args[this.i];
  }

  private hint(): string {
    return `usage: ${this.usage}`;
  }

  /** A Word holding a `$` where placeholders are not allowed: reported, true. */
  private misplacedPlaceholder(what: string, t: IToken | undefined): boolean {
    if (this.failed || this.placeholders || !t || t.tokenType.name !== 'Word' || !hasPlaceholder(t.image)) return false;
    this.failed = true;
    this.diags.push(
      makeDiagnostic(S.wrongArgument, tokenSpan(t), [this.label, what, t.image], {
        hint: 'a sweep placeholder (`$NAME`) stands for a value only inside an arm and in arm names',
      }),
    );
    return true;
  }

  missingArgument(what: string): null {
    return this.missing(what);
  }

  wrongArgument(what: string, token: IToken): null {
    return this.wrong(what, token);
  }

  private missing(what: string): null {
    if (this.failed) return null;
    this.failed = true;
    const last = this.args[this.i - 1] ?? this.stmt.head;
    const span = tokenSpan(last);
    // Point just past the last token, where the missing argument belongs (an empty range, so
    // it stays inside the text even at its very end; the renderer still draws one caret).
    this.diags.push(
      makeDiagnostic(S.missingArgument, { offset: span.offset + span.length, length: 0 }, [this.label, what], { hint: this.hint() }),
    );
    return null;
  }

  private wrong(what: string, token: IToken): null {
    if (this.failed) return null;
    this.failed = true;
    this.diags.push(makeDiagnostic(S.wrongArgument, tokenSpan(token), [this.label, what, token.image], { hint: this.hint() }));
    return null;
  }

  private take(tokenType: string, what: string): IToken | null {
    if (this.failed) return null;
    const t = this.args[this.i];
    if (!t) return this.missing(what);
    if (t.tokenType.name !== tokenType) return this.wrong(what, t);
    this.i++;
    return t;
  }

  number(what: string): NumberLit | null {
    const next = this.peek();
    if (this.placeholders && next?.tokenType.name === 'Word' && isWholePlaceholder(next.image)) {
      this.i++;
      return { kind: 'number', value: Number.NaN, raw: next.image, span: tokenSpan(next) };
    }
    if (this.misplacedPlaceholder(what, next)) return null;
    const t = this.take('NumberLit', what);
    return t && { kind: 'number', value: Number(t.image), raw: t.image, span: tokenSpan(t) };
  }

  /** A plain identifier: globs (`*`, `?`) and dotted names are not names. */
  name(what: string): Name | null {
    if (this.failed) return null;
    const next = this.args[this.i];
    if (this.misplacedPlaceholder(what, next)) return null;
    const ok = (text: string) => isPlainName(text) || (this.placeholders && isTemplateName(text));
    if (next && next.tokenType.name === 'Word' && !ok(next.image)) return this.wrong(`${what} (letters, digits, \`_\`, \`-\`)`, next);
    const t = this.take('Word', what);
    return t && { kind: 'name', text: t.image, span: tokenSpan(t) };
  }

  /** A sweep's name: letters, digits and `_` (no `-`, so `$act-$rate` reads unambiguously). */
  sweepName(what: string): Name | null {
    if (this.failed) return null;
    const next = this.args[this.i];
    if (next && next.tokenType.name === 'Word' && !isSweepName(next.image)) return this.wrong(`${what} (letters, digits, \`_\`; no \`-\`)`, next);
    const t = this.take('Word', what);
    return t && { kind: 'name', text: t.image, span: tokenSpan(t) };
  }

  /** `[V, V, ...]`: numbers or plain names (at least one). */
  valueList(what: string): (NumberLit | Name)[] | null {
    if (!this.take('LBracket', '`[` and a list of values')) return null;
    const values: (NumberLit | Name)[] = [];
    do {
      const t = this.peek();
      const v = t?.tokenType.name === 'NumberLit' ? this.number(what) : this.name(what);
      if (!v) return null;
      values.push(v);
    } while (this.comma());
    return this.take('RBracket', '`,` or `]` after a value') && values;
  }

  glob(what: string): Glob | null {
    if (this.misplacedPlaceholder(what, this.peek())) return null;
    const t = this.take('Word', what);
    return t && { kind: 'glob', text: t.image, span: tokenSpan(t) };
  }

  string(what: string): StringLit | null {
    const t = this.take('StringLit', what);
    return t && { kind: 'string', value: unquote(t.image), span: tokenSpan(t) };
  }

  /** `5x5`, or a single number `5` for a square. */
  size(what: string): SizeLit | NumberLit | null {
    if (this.failed) return null;
    const t = this.args[this.i];
    if (t?.tokenType.name === 'NumberLit') return this.number(what);
    const s = this.take('SizeLit', what);
    if (!s) return null;
    const [h, w] = s.image.split('x').map(Number);
    return { kind: 'size', height: h, width: w, raw: s.image, span: tokenSpan(s) };
  }

  /** Consumes the word `text` if it comes next. */
  keyword(text: string): IToken | null {
    const t = this.peek();
    if (t && t.tokenType.name === 'Word' && t.image === text) {
      this.i++;
      return t;
    }
    return null;
  }

  /** `main + missing`: head names joined by `+` (at least one). */
  headExpr(what: string): HeadExpr | null {
    const first = this.name(what);
    if (!first) return null;
    const heads = [first];
    for (;;) {
      const t = this.peek();
      if (!t || t.tokenType.name !== 'Plus') break;
      this.i++;
      const next = this.name('a head name after `+`');
      if (!next) return null;
      heads.push(next);
    }
    return { kind: 'head-expr', heads, span: joinSpans(first.span, heads[heads.length - 1].span) };
  }

  /** `on HEAD-EXPR` if it comes next; null (and not failed) when there is no `on`. */
  onHeads(): HeadExpr | null {
    return this.keyword('on') ? this.headExpr('a head such as `main` or `main + missing` after `on`') : null;
  }

  /** Consumes a comma if it comes next. */
  comma(): boolean {
    const t = this.peek();
    if (t && t.tokenType.name === 'Comma') {
      this.i++;
      return true;
    }
    return false;
  }

  /** `a, b, c`: at least one glob. */
  globList(what: string): Glob[] | null {
    const first = this.glob(what);
    if (!first) return null;
    const list = [first];
    while (this.comma()) {
      const g = this.glob(what);
      if (!g) return null;
      list.push(g);
    }
    return list;
  }

  /** Reports anything left over; true when the statement was read cleanly. */
  end(): boolean {
    if (this.failed) return false;
    const rest = this.args.slice(this.i);
    if (rest.length > 0) {
      this.failed = true;
      const span = joinSpans(tokenSpan(rest[0]), tokenSpan(rest[rest.length - 1]));
      this.diags.push(
        makeDiagnostic(S.unexpectedArgument, span, [rest[0].image, this.label], {
          hint: `${this.hint()}; end a statement with \`;\` or a new line`,
        }),
      );
      return false;
    }
    return true;
  }
}

/** Identifiers: a letter or `_`, then letters, digits, `_` and `-`. */
export function isPlainName(text: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(text);
}

function unquote(image: string): string {
  return image.slice(1, -1).replace(/\\(.)/g, '$1');
}

export type BlockContext = 'top' | 'arm' | 'model';

/** Builds the statements of a block (or the file), reporting strays and unknown heads. */
export function buildStatements(items: RawItem[], context: 'top' | 'arm', diags: Diagnostic[]): Statement[] {
  const out: Statement[] = [];
  for (const item of items) {
    if (item.kind === 'stray') {
      reportStray(item.token, diags);
      continue;
    }
    const s = buildStatement(item, context, diags);
    if (s) out.push(s);
  }
  return out;
}

function reportStray(token: IToken, diags: Diagnostic[]): void {
  if (token.tokenType.name === 'RBrace') {
    diags.push(makeDiagnostic(S.unexpectedCloseBrace, tokenSpan(token), []));
  } else if (token.tokenType.name === 'UnterminatedString') {
    diags.push(makeDiagnostic(S.unterminatedString, tokenSpan(token), []));
  } else {
    diags.push(
      makeDiagnostic(S.strayToken, tokenSpan(token), [token.image], {
        hint: 'statements start with a keyword such as `train`, `freeze` or `eval`',
      }),
    );
  }
}

/** Unterminated strings anywhere in the arguments get their own, clearer error. */
function reportUnterminated(stmt: RawStatement, diags: Diagnostic[]): boolean {
  const bad = stmt.args.find((t) => t.tokenType.name === 'UnterminatedString');
  if (!bad) return false;
  diags.push(makeDiagnostic(S.unterminatedString, tokenSpan(bad), []));
  return true;
}

function checkNoBlock(stmt: RawStatement, diags: Diagnostic[]): boolean {
  if (!stmt.block) return true;
  diags.push(makeDiagnostic(S.unexpectedBlock, tokenSpan(stmt.block.open), [stmt.head.image]));
  return false;
}

function reportMissingClose(block: RawBlock, diags: Diagnostic[]): void {
  if (block.close === null) diags.push(makeDiagnostic(S.missingCloseBrace, tokenSpan(block.open), []));
}

export const USAGE: Record<StatementKeyword, string> = {
  experiment: 'experiment "title"',
  dataset: 'dataset mnist | dataset fashion-mnist ["dir"] | dataset idx "dir"',
  model: 'model reference | model NAME | model { ... }',
  optimizer: 'optimizer sgd lr 0.01 momentum 0.5 | optimizer adam lr 0.001',
  batch: 'batch N',
  shards: 'shards N',
  seed: 'seed N',
  repeat: 'repeat N',
  validation: 'validation N',
  baseline: 'baseline ARM',
  sweep: 'sweep NAME in [V, V, ...]',
  arm: 'arm NAME { steps }',
  pretrain: 'pretrain N [select]',
  train: 'train N [alternate] [select] [on HEAD [+ HEAD...]]',
  freeze: 'freeze SEL[, SEL...]',
  unfreeze: 'unfreeze SEL[, SEL...]',
  reset: 'reset SEL[, SEL...]',
  invert: `invert ${ACTIVATION_LAYERS.join(' | ')} | off [on HEAD]`,
  lr: 'lr X [for SEL, SEL...]',
  eval: 'eval SET[, SET...] [every epoch] [as LABEL] [on HEAD [+ HEAD...]]',
  save: 'save "path"',
  load: 'load "path"',
  head: 'head NAME',
};

function buildStatement(stmt: RawStatement, context: 'top' | 'arm', diags: Diagnostic[]): Statement | null {
  const head = stmt.head.image;
  const span = statementSpan(stmt);
  if (head in PLANNED_STATEMENTS) {
    const hint = head === 'combine' ? 'heads are combined by summing their logits: `train N on main + missing`' : 'write the variants as arms for now';
    diags.push(makeDiagnostic(S.planned, tokenSpan(stmt.head), [head, PLANNED_STATEMENTS[head]], { hint }));
    return null;
  }
  if (!isStatement(head)) {
    const layerHint = (LAYER_KEYWORDS as readonly string[]).includes(head) ? 'layers go inside a `model { ... }` block' : undefined;
    diags.push(
      makeDiagnostic(S.unknownStatement, tokenSpan(stmt.head), [head], {
        hint: didYouMean(head, STATEMENT_KEYWORDS) ?? layerHint ?? `statements: ${STATEMENT_KEYWORDS.join(', ')}`,
      }),
    );
    if (stmt.block) reportMissingClose(stmt.block, diags);
    return null;
  }
  if (reportUnterminated(stmt, diags)) return null;
  // Placeholders stand for arguments of the steps in an arm, and in an arm's name.
  const r = new ArgReader(stmt, 0, USAGE[head], diags, context === 'arm' || head === 'arm');

  if (head === 'arm') return buildArm(stmt, r, span, context, diags);
  if (head === 'model' && stmt.block) {
    reportMissingClose(stmt.block, diags);
    if (!r.end()) return null;
    const layers = buildLayers(stmt.block.items, diags);
    return { kind: 'model-block', layers, span };
  }
  if (!checkNoBlock(stmt, diags)) return null;

  const node = buildSimple(head, r, span);
  return r.end() ? node : null;
}

function buildArm(stmt: RawStatement, r: ArgReader, span: Span, context: 'top' | 'arm', diags: Diagnostic[]): ArmDecl | null {
  const name = r.name('an arm name');
  if (!stmt.block) {
    if (r.end()) diags.push(makeDiagnostic(S.missingBlock, tokenSpan(stmt.head), ['arm'], { hint: `usage: ${USAGE.arm}` }));
    return null;
  }
  reportMissingClose(stmt.block, diags);
  if (!r.end() || !name) return null;
  if (context === 'arm') {
    diags.push(makeDiagnostic(S.nestedBlock, tokenSpan(stmt.head), ['arm', 'an arm'], { hint: 'arms cannot be nested; write them one after another' }));
    return null;
  }
  return { kind: 'arm', name, body: buildStatements(stmt.block.items, 'arm', diags), span };
}

function buildSimple(head: Exclude<StatementKeyword, 'arm'>, r: ArgReader, span: Span): Statement | null {
  switch (head) {
    case 'experiment': {
      const title = r.string('a quoted title');
      return title && { kind: 'experiment', title, span };
    }
    case 'dataset': {
      const name = r.name('a dataset (mnist, fashion-mnist, idx)');
      if (!name) return null;
      const next = r.peek();
      const dir = next && next.tokenType.name === 'StringLit' ? r.string('a folder') : null;
      return { kind: 'dataset', name, dir, span };
    }
    case 'model': {
      const name = r.name('a model name or a `{ ... }` block');
      return name && { kind: 'model-ref', name, span };
    }
    case 'optimizer': {
      const name = r.name('an optimizer (sgd, adam)');
      if (!name) return null;
      const options = [];
      while (r.peek()) {
        const key = r.name('an option name such as `lr`');
        const value = r.number(`a number after \`${key?.text ?? 'the option'}\``);
        if (!key || !value) return null;
        options.push({ name: key, value });
      }
      return { kind: 'optimizer', name, options, span };
    }
    case 'batch':
    case 'shards':
    case 'seed':
    case 'repeat':
    case 'validation': {
      const value = r.number('a number');
      return value && { kind: head, value, span };
    }
    case 'baseline': {
      const arm = r.name('an arm name');
      return arm && { kind: 'baseline', arm, span };
    }
    case 'sweep': {
      const name = r.sweepName('a sweep name');
      if (!name) return null;
      if (!r.keyword('in')) {
        const next = r.peek();
        return next ? r.wrongArgument('`in`', next) : r.missingArgument('`in [values]`');
      }
      const values = r.valueList('a number or a name');
      return values && { kind: 'sweep', name, values, span };
    }
    case 'pretrain':
    case 'train': {
      const epochs = r.number('a number of epochs');
      if (!epochs) return null;
      const alternate = head === 'train' && r.keyword('alternate') !== null;
      const select = r.keyword('select') !== null;
      const on = head === 'train' ? r.onHeads() : null;
      if (r.failed) return null;
      return { kind: 'train', pretrain: head === 'pretrain', epochs, alternate, select, on, span };
    }
    case 'freeze':
    case 'unfreeze':
    case 'reset': {
      const selectors = r.globList('a parameter selector such as `conv*` or `fc1.bias`');
      return selectors && { kind: head, selectors, span };
    }
    case 'invert': {
      const activation = r.name(`an activation (${ACTIVATION_LAYERS.join(', ')}) or \`off\``);
      if (!activation) return null;
      const on = r.keyword('on') ? r.name('a head name after `on`') : null;
      if (r.failed) return null;
      return { kind: 'invert', activation, on, span };
    }
    case 'lr': {
      const value = r.number('a learning rate');
      if (!value) return null;
      const selectors = r.keyword('for') ? r.globList('a parameter selector after `for`') : [];
      return selectors && { kind: 'lr', value, selectors, span };
    }
    case 'eval': {
      const testSets = r.globList('a test set such as `pmnist.*`');
      if (!testSets) return null;
      let everyEpoch = false;
      if (r.keyword('every')) {
        if (!r.keyword('epoch')) {
          const next = r.peek();
          return next ? r.wrongArgument('`epoch` after `every`', next) : r.missingArgument('`epoch` after `every`');
        }
        everyEpoch = true;
      }
      const label = r.keyword('as') ? r.name('a label after `as`') : null;
      const on = r.onHeads();
      if (r.failed) return null;
      return { kind: 'eval', testSets, everyEpoch, label, on, span };
    }
    case 'save':
    case 'load': {
      const path = r.string('a quoted path');
      return path && { kind: head, path, span };
    }
    case 'head': {
      const name = r.name('a head name');
      return name && { kind: 'head', name, span };
    }
    default:
      return assertNever(head);
  }
}

const isStatement = (word: string): word is StatementKeyword => word in USAGE;
const isLayer = (word: string): word is LayerKeyword => word in LAYER_USAGE;

export const LAYER_USAGE: Record<LayerKeyword, string> = {
  conv: 'NAME: conv FILTERS KxK [stride N] [padding valid|same]',
  dense: 'NAME: dense UNITS',
  pool: 'pool N',
  dropout: 'dropout RATE',
  dropout2d: 'dropout2d RATE',
  flatten: 'flatten',
  relu: 'relu',
  relu6: 'relu6',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
};

/** The lines of a `model { ... }` block: `[NAME:] KIND ARGS`. */
function buildLayers(items: RawItem[], diags: Diagnostic[]): LayerDecl[] {
  const layers: LayerDecl[] = [];
  for (const item of items) {
    if (item.kind === 'stray') {
      reportStray(item.token, diags);
      continue;
    }
    const layer = buildLayer(item, diags);
    if (layer) layers.push(layer);
  }
  return layers;
}

function buildLayer(stmt: RawStatement, diags: Diagnostic[]): LayerDecl | null {
  if (!checkNoBlock(stmt, diags)) return null;
  if (reportUnterminated(stmt, diags)) return null;
  const span = statementSpan(stmt);
  let name: Name | null = null;
  let kindToken = stmt.head;
  let start = 0;
  if (stmt.args[0]?.tokenType.name === 'Colon') {
    if (!isPlainName(stmt.head.image)) {
      const kind = stmt.args[1]?.image ?? 'layer';
      diags.push(makeDiagnostic(S.wrongArgument, tokenSpan(stmt.head), [kind, 'a layer name (letters, digits, `_`, `-`)', stmt.head.image], { hint: 'e.g. `conv1: conv 10 5x5`' }));
      return null;
    }
    name = { kind: 'name', text: stmt.head.image, span: tokenSpan(stmt.head) };
    const k = stmt.args[1];
    if (!k || k.tokenType.name !== 'Word') {
      const at = k ? tokenSpan(k) : { offset: tokenSpan(stmt.args[0]).offset + 1, length: 0 };
      diags.push(makeDiagnostic(S.missingArgument, at, [`${stmt.head.image}:`, 'a layer kind such as `conv` or `dense`'], { hint: `usage: ${LAYER_USAGE.conv}` }));
      return null;
    }
    kindToken = k;
    start = 2;
  }
  const kind = kindToken.image;
  if (kind in PLANNED_LAYERS) {
    diags.push(makeDiagnostic(S.planned, tokenSpan(kindToken), [kind, PLANNED_LAYERS[kind]]));
    return null;
  }
  if (!isLayer(kind)) {
    diags.push(
      makeDiagnostic(S.unknownLayer, tokenSpan(kindToken), [kind], {
        hint: didYouMean(kind, LAYER_KEYWORDS) ?? `layers: ${LAYER_KEYWORDS.join(', ')}`,
      }),
    );
    return null;
  }
  const r = new ArgReader({ ...stmt, head: kindToken }, start, LAYER_USAGE[kind], diags);
  const node = buildLayerKind(kind, name, r, span, tokenSpan(kindToken));
  return r.end() ? node : null;
}

function buildLayerKind(kind: LayerKeyword, name: Name | null, r: ArgReader, span: Span, kindSpan: Span): LayerDecl | null {
  switch (kind) {
    case 'conv': {
      const filters = r.number('a number of filters');
      const kernel = r.size('a kernel size such as `5x5`');
      if (!filters || !kernel) return null;
      let stride: NumberLit | null = null;
      let padding: Name | null = null;
      for (;;) {
        if (r.keyword('stride')) stride = r.number('a stride');
        else if (r.keyword('padding')) padding = r.name('`valid` or `same`');
        else break;
        if (r.failed) return null;
      }
      return { kind: 'conv', name, filters, kernel, stride, padding, span };
    }
    case 'dense': {
      const units = r.number('a number of units');
      return units && { kind: 'dense', name, units, span };
    }
    case 'pool': {
      const size = r.number('a pool size');
      return size && { kind: 'pool', name, size, span };
    }
    case 'dropout':
    case 'dropout2d': {
      const rate = r.number('a rate between 0 and 1');
      return rate && { kind, name, rate, span };
    }
    case 'flatten':
      return { kind: 'flatten', name, span };
    case 'relu':
    case 'relu6':
    case 'sigmoid':
    case 'tanh':
      // Activation layers take no arguments; the caller's r.end() reports any.
      return { kind: 'activation', name, activation: { kind: 'name', text: kind, span: kindSpan }, span };
    default:
      return assertNever(kind);
  }
}
