// Document symbols (the outline: settings, the model's layers, arms and their steps) and go to
// definition (an arm name in `baseline`, a layer name in a selector, a head in `on` or a selector).
import type { DocumentSymbol, Location } from 'vscode-languageserver/node.js';
import { SymbolKind } from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LayerDecl, Span, Statement } from '../../grammar/index.js';
import { isSetting } from '../../compiler/settings.js';
import { matchGlob } from '../../compiler/globs.js';
import type { Analysis } from './analysis.js';
import { rangeOf } from './convert.js';
import { nodeAt } from './nodes.js';

/** The statement as written on its first line, shortened: the outline's label. */
function label(text: string, span: Span): string {
  const line = text.slice(span.offset, span.offset + span.length).split(/\r?\n|\r/)[0].replace(/\s*\{\s*$/, '').trim();
  return line.length > 60 ? `${line.slice(0, 57)}...` : line || '(empty)';
}

function layerSymbol(doc: TextDocument, text: string, l: LayerDecl): DocumentSymbol {
  return {
    name: l.name?.text ?? label(text, l.span),
    detail: l.name ? label(text, l.span) : undefined,
    kind: l.name ? SymbolKind.Field : SymbolKind.Operator,
    range: rangeOf(doc, l.span),
    selectionRange: rangeOf(doc, l.name?.span ?? l.span),
  };
}

function statementSymbol(doc: TextDocument, text: string, s: Statement): DocumentSymbol {
  const base = { range: rangeOf(doc, s.span), selectionRange: rangeOf(doc, s.span) };
  if (s.kind === 'arm') {
    return { ...base, name: s.name.text, detail: 'arm', kind: SymbolKind.Class, selectionRange: rangeOf(doc, s.name.span), children: s.body.map((b) => statementSymbol(doc, text, b)) };
  }
  if (s.kind === 'model-block') {
    return { ...base, name: 'model', detail: `${s.layers.length} layers`, kind: SymbolKind.Struct, children: s.layers.map((l) => layerSymbol(doc, text, l)) };
  }
  return { ...base, name: label(text, s.span), kind: isSetting(s) ? SymbolKind.Property : SymbolKind.Event };
}

export function documentSymbols(doc: TextDocument, a: Analysis): DocumentSymbol[] {
  return a.ast.statements.map((s) => statementSymbol(doc, a.text, s));
}

export function definition(doc: TextDocument, a: Analysis, offset: number): Location[] {
  const hit = nodeAt(a.ast, a.text, offset);
  if (!hit) return [];
  if (hit.kind === 'placeholder') {
    return a.settings.sweeps.filter((s) => s.name.text === hit.name).map((s) => ({ uri: doc.uri, range: rangeOf(doc, s.name.span) }));
  }
  if (hit.kind === 'head') {
    return a.heads.filter((h) => h.name.text === hit.name.text).map((h) => ({ uri: doc.uri, range: rangeOf(doc, h.name.span) }));
  }
  if (hit.kind === 'arm-ref') {
    return a.arms.filter((arm) => arm.name.text === hit.name.text).map((arm) => ({ uri: doc.uri, range: rangeOf(doc, arm.name.span) }));
  }
  if (hit.kind === 'selector') {
    // A head's layers (`missing.*`, `missing.fc1.weight`): where its `head` step adds them.
    const head = a.heads.filter((h) => h.name.text === hit.glob.text.split('.')[0]);
    if (head.length > 0 && hit.glob.text.includes('.')) return head.map((h) => ({ uri: doc.uri, range: rangeOf(doc, h.name.span) }));
    // The layers a selector picks, where a `model { }` block declares them.
    const block = a.ast.statements.find((s) => s.kind === 'model-block');
    if (!block || block.kind !== 'model-block') return [];
    const layerGlob = hit.glob.text.split('.')[0];
    const named = block.layers.filter((l) => l.name !== null);
    const picked = new Set(matchGlob(layerGlob, named.map((l) => l.name!.text)));
    return named.filter((l) => picked.has(l.name!.text)).map((l) => ({ uri: doc.uri, range: rangeOf(doc, l.name!.span) }));
  }
  return [];
}
