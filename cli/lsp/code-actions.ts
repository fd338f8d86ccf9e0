// Quick fixes: every diagnostic whose hint says "did you mean `x`?" offers to write `x`.
import type { CodeAction, Diagnostic as LspDiagnostic } from 'vscode-languageserver/node.js';
import { CodeActionKind } from 'vscode-languageserver/node.js';
import type { DiagnosticData } from './convert.js';
import { suggestedReplacement } from './convert.js';

function replacementOf(d: LspDiagnostic): string | null {
  const data = d.data as DiagnosticData | undefined;
  if (data && typeof data.replacement === 'string') return data.replacement;
  // Clients that drop `data` still send the message, which carries the hint.
  return d.source === 'mfx' ? suggestedReplacement(d.message) : null;
}

export function quickFixes(uri: string, diagnostics: LspDiagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    const replacement = replacementOf(d);
    if (replacement === null) continue;
    out.push({
      title: `Change to \`${replacement}\``,
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      isPreferred: true,
      edit: { changes: { [uri]: [{ range: d.range, newText: replacement }] } },
    });
  }
  return out;
}
