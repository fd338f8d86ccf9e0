// The AST node under the cursor, named by what it is to the user (a statement keyword, a
// layer, a selector, a test-set glob, an arm reference), for hover and go to definition.
import type { ArmDecl, Glob, LayerDecl, Name, Program, Span, Statement } from '../../grammar/index.js';

export type Hit =
  | { kind: 'keyword'; keyword: string; span: Span }
  | { kind: 'layer-kind'; layerKind: string; span: Span }
  | { kind: 'layer-name'; layer: LayerDecl; name: Name }
  | { kind: 'selector'; glob: Glob }
  | { kind: 'test-set'; glob: Glob }
  | { kind: 'arm-ref'; name: Name }
  | { kind: 'arm-name'; arm: ArmDecl }
  | { kind: 'activation'; name: Name }
  | { kind: 'model-name'; name: Name };

const inside = (s: { offset: number; length: number }, offset: number) => offset >= s.offset && offset <= s.offset + s.length;

/** A span for the word at `offset` in `text` (the statement's head, a layer's kind). */
function wordSpan(text: string, from: number, base: Span): Span {
  const m = /^[A-Za-z0-9_-]+/.exec(text.slice(from, from + 64));
  return { ...base, offset: from, length: m ? m[0].length : 0, endLine: base.line };
}

export function nodeAt(program: Program, text: string, offset: number): Hit | null {
  return inStatements(program.statements, text, offset);
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
        return g ? { kind: 'test-set', glob: g } : null;
      }
      case 'invert':
        return inside(s.activation.span, offset) ? { kind: 'activation', name: s.activation } : null;
      case 'experiment':
      case 'dataset':
      case 'optimizer':
      case 'batch':
      case 'seed':
      case 'repeat':
      case 'train':
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
