// Diagnostics as data: a code, a severity, a message, and where (offset + length). Line and
// column are computed when rendering (cli/diagnostics). Shared by grammar and compiler; the
// compiler re-exports the type and holds the semantic band of the catalogue.

import { escapeNonPrintable } from './printable.js';

export type Severity = 'error' | 'warning';

export interface RelatedInfo {
  message: string;
  offset: number;
  length: number;
}

export interface Diagnostic {
  severity: Severity;
  code: string;
  message: string;
  offset: number;
  length: number;
  hint?: string;
  related?: RelatedInfo[];
}

/** One catalogue entry: a stable code, its severity, and the message template. */
export interface DiagnosticDef<A extends unknown[]> {
  code: string;
  severity: Severity;
  /** One line saying what the code means, for documentation and `mfx check --explain`-style listings. */
  summary: string;
  message: (...args: A) => string;
}

export function defineDiagnostic<A extends unknown[]>(
  code: string,
  severity: Severity,
  summary: string,
  message: (...args: A) => string,
): DiagnosticDef<A> {
  return { code, severity, summary, message };
}

/** Something with a position: an AST node's span or a raw offset/length pair. */
export interface Located {
  offset: number;
  length: number;
}

/** Builds a diagnostic from a catalogue entry; call sites never spell codes or texts themselves. */
export function makeDiagnostic<A extends unknown[]>(
  def: DiagnosticDef<A>,
  at: Located,
  args: A,
  extra: { hint?: string; related?: RelatedInfo[] } = {},
): Diagnostic {
  const d: Diagnostic = {
    severity: def.severity,
    code: def.code,
    // Messages quote the file (`unexpected character ...`): nothing in them may reach a terminal raw.
    message: escapeNonPrintable(def.message(...args)),
    offset: at.offset,
    length: at.length,
  };
  if (extra.hint !== undefined) d.hint = escapeNonPrintable(extra.hint);
  if (extra.related && extra.related.length > 0) d.related = extra.related.map((r) => ({ ...r, message: escapeNonPrintable(r.message) }));
  return d;
}
