// Diagnostics as JSON for tools (`mfx check --json`): positions resolved to line and column.
import type { Diagnostic } from '../../compiler/index.js';
import { lineStarts, positionAt } from '../../compiler/positions.js';

export interface DiagnosticJson extends Diagnostic {
  file: string;
  line: number;
  column: number;
}

export function diagnosticsToJson(diags: readonly Diagnostic[], text: string, file: string): DiagnosticJson[] {
  const starts = lineStarts(text);
  return diags.map((d) => ({ file, ...positionAt(starts, Math.min(d.offset, text.length)), ...d }));
}
