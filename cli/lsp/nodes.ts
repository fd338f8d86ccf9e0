// The AST node under the cursor, named by what it is to the user (a statement keyword, a
// layer, a selector, a test-set glob, an arm reference), for hover and go to definition.
import type { ArmDecl, Glob, LayerDecl, Name, Program, Span, Statement, SweepSetting } from '../../grammar/index.js';

export type Hit =
  | { kind: 'keyword'; keyword: string; span: Span }
  | { kind: 'layer-kind'; layerKind: string; span: Span }
  | { kind: 'layer-name'; layer: LayerDecl; name: Name }
  | { kind: 'selector'; glob: Glob }
  | { kind: 'test-set'; glob: Glob }
  | { kind: 'arm-ref'; name: Name }
  | { kind: 'arm-name'; arm: ArmDecl }
  | { kind: 'activation'; name: Name }
  | { kind: 'model-name'; name: Name }
  | { kind: 'sweep-name'; sweep: SweepSetting }
  /** A head's name: in `head NAME`, `invert ... on NAME`, `train/eval ... on main + NAME`. */
  | { kind: 'head'; name: Name }
  /** `$act` inside an arm (its name or its steps): a sweep placeholder. */
  | { kind: 'placeholder'; name: string; span: Span };

const inside = (s: { offset: number; length: number }, offset: number) => offset >= s.offset && offset <= s.offset + s.length;

/** A span for the word at `offset` in `text` (the statement's head, a layer's kind). */
function wordSpan(text: string, from: number, base: Span): Span {
  const m = /^[A-Za-z0-9_-]+/.exec(text.slice(from, from + 64));
  return { ...base, offset: from, length: m ? m[0].length : 0, endLine: base.line };
}

export function nodeAt(program: Program, text: string, offset: number): Hit | null {
  const arm = program.statements.find((s) => s.kind === 'arm' && inside(s.span, offset));
  const placeholder = arm ? placeholderAt(text, offset, arm.span) : null;
  return placeholder ?? inStatements(program.statements, text, offset);
}

/** The `$NAME` around `offset`, if any. */
function placeholderAt(text: string, offset: number, within: Span): Hit | null {
  let start = offset;
  while (start > within.offset && /[A-Za-z0-9_]/.test(text[start - 1])) start--;
  if (text[start] !== '$') {
    if (text[start - 1] !== '$') return null;
    start--;
  }
  let end = start + 1;
  while (end < within.offset + within.length && /[A-Za-z0-9_]/.test(text[end])) end++;
  if (end === start + 1 || offset < start || offset > end) return null;
  return { kind: 'placeholder', name: text.slice(start + 1, end), span: { ...within, offset: start, length: end - start } };
}

function inStatements(statements: Statement[], text: string, offset: number): Hit | null {
  for (const s of statements) {
    if (!inside(s.span, offset)) continue;
    const head = wordSpan(text, s.span.offset, s.span);
    if (inside(head, offset)) return { kind: 'keyword', keyword: text.slice(head.offset, head.offset + head.length), span: head };
    switch (s.kind) {
      case 'arm':
        if (inside(s.name.span, offset)) return { kind: 'arm-name', arm: s };
        return inStatements(s.body, text, offset);
      case 'model-block':
        return inLayers(s.layers, text, offset);
      case 'model-ref':
        return inside(s.name.span, offset) ? { kind: 'model-name', name: s.name } : null;
      case 'baseline':
        return inside(s.arm.span, offset) ? { kind: 'arm-ref', name: s.arm } : null;
      case 'freeze':
      case 'unfreeze':
      case 'reset':
      case 'lr': {
        const g = s.selectors.find((x) => inside(x.span, offset));
        return g ? { kind: 'selector', glob: g } : null;
      }
      case 'eval': {
        const g = s.testSets.find((x) => inside(x.span, offset));
        return g ? { kind: 'test-set', glob: g } : headAt(s.on?.heads ?? [], offset);
      }
      case 'invert':
        return inside(s.activation.span, offset) ? { kind: 'activation', name: s.activation } : headAt(s.on ? [s.on] : [], offset);
      case 'head':
        return headAt([s.name], offset);
      case 'train':
        return headAt(s.on?.heads ?? [], offset);
      case 'sweep':
        return inside(s.name.span, offset) ? { kind: 'sweep-name', sweep: s } : null;
      case 'experiment':
      case 'dataset':
      case 'optimizer':
      case 'batch':
      case 'shards':
      case 'seed':
      case 'repeat':
      case 'validation':
      case 'save':
      case 'load':
        return null;
      default: {
        const never: never = s;
        return never;
      }
    }
  }
  return null;
}

function headAt(names: Name[], offset: number): Hit | null {
  const name = names.find((n) => inside(n.span, offset));
  return name ? { kind: 'head', name } : null;
}

function inLayers(layers: LayerDecl[], text: string, offset: number): Hit | null {
  for (const l of layers) {
    if (!inside(l.span, offset)) continue;
    if (l.name && inside(l.name.span, offset)) return { kind: 'layer-name', layer: l, name: l.name };
    // The kind word: after `NAME:` when named, else the layer's first word.
    let at = l.span.offset;
    if (l.name) {
      at = l.name.span.offset + l.name.span.length;
      while (at < text.length && /[\s:]/.test(text[at])) at++;
    }
    const kind = wordSpan(text, at, l.span);
    if (inside(kind, offset)) return { kind: 'layer-kind', layerKind: text.slice(kind.offset, kind.offset + kind.length), span: kind };
    return null;
  }
  return null;
}
