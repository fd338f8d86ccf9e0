// mfx positions (UTF-16 offset + length) to LSP ranges and back, and mfx diagnostics to LSP
// diagnostics: the same codes, ranges and hints `mfx check` prints.
import type { Diagnostic as LspDiagnostic, Range } from 'vscode-languageserver/node.js';
import { DiagnosticSeverity } from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, Severity } from '../../grammar/index.js';
import { assertNever } from '../../grammar/index.js';

export function rangeOf(doc: TextDocument, at: { offset: number; length: number }): Range {
  const end = Math.min(at.offset + Math.max(0, at.length), doc.getText().length);
  return { start: doc.positionAt(at.offset), end: doc.positionAt(end) };
}

function severity(s: Severity): DiagnosticSeverity {
  switch (s) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    default:
      return assertNever(s);
  }
}

/** The word a "did you mean `x`?" hint proposes, or null. */
export function suggestedReplacement(hint: string | undefined): string | null {
  const m = hint ? /did you mean `([^`]+)`\?/.exec(hint) : null;
  return m ? m[1] : null;
}

/** Extra data carried on each LSP diagnostic, read back by the quick fixes. */
export interface DiagnosticData {
  replacement?: string;
}

export function toLspDiagnostic(doc: TextDocument, d: Diagnostic): LspDiagnostic {
  const out: LspDiagnostic = {
    range: rangeOf(doc, d),
    severity: severity(d.severity),
    code: d.code,
    source: 'mfx',
    // The hint on its own line, as `mfx check` prints it under the caret.
    message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message,
  };
  if (d.related) {
    out.relatedInformation = d.related.map((r) => ({ location: { uri: doc.uri, range: rangeOf(doc, r) }, message: r.message }));
  }
  const replacement = suggestedReplacement(d.hint);
  if (replacement !== null) out.data = { replacement } satisfies DiagnosticData;
  return out;
}
