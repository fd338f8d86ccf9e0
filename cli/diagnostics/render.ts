// Renders diagnostics for people: `file:line:col: error[CODE]: message`, the numbered source
// line, a caret under the span, then `help:` and related notes. Plain text unless `color`.
import type { Diagnostic } from '../../compiler/index.js';
import { escapeNonPrintable } from '../../compiler/index.js';
import { paint } from '../format/color.js';

export interface RenderOptions {
  color: boolean;
}

/** Renders every diagnostic, each followed by a blank line. */
export function renderDiagnostics(diags: readonly Diagnostic[], text: string, file: string, options: RenderOptions): string {
  const lines = new SourceLines(text);
  return diags.map((d) => `${renderOne(d, lines, file, options)}\n\n`).join('');
}

/** `N errors, M warnings` (or an empty string when there are none). */
export function summarizeDiagnostics(diags: readonly Diagnostic[]): string {
  const errors = diags.filter((d) => d.severity === 'error').length;
  const warnings = diags.length - errors;
  const part = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [errors > 0 ? part(errors, 'error') : '', warnings > 0 ? part(warnings, 'warning') : ''].filter(Boolean).join(', ');
}

function renderOne(d: Diagnostic, lines: SourceLines, file: string, options: RenderOptions): string {
  const p = paint(options.color);
  const { line, column } = lines.position(d.offset);
  const severity = d.severity === 'error' ? p.red(p.bold(`error[${d.code}]`)) : p.yellow(p.bold(`warning[${d.code}]`));
  const out = [`${p.bold(`${escapeNonPrintable(file)}:${line}:${column}:`)} ${severity}: ${p.bold(d.message)}`];
  const raw = lines.text(line);
  // The line as shown: control characters escaped (`\x1b`), so the caret is measured on that.
  const source = escapeNonPrintable(raw, true);
  const gutter = String(line).length;
  const pad = ' '.repeat(gutter);
  const before = escapeNonPrintable(raw.slice(0, column - 1), true);
  const spanned = escapeNonPrintable(raw.slice(column - 1, column - 1 + d.length), true);
  const available = Math.max(1, source.length - before.length);
  const caretLength = Math.max(1, Math.min(spanned.length, available));
  // Keep tabs under tabs so the caret lines up whatever the terminal's tab width.
  const lead = before.replace(/[^\t]/g, ' ');
  const underline = d.severity === 'error' ? p.red('^'.repeat(caretLength)) : p.yellow('^'.repeat(caretLength));
  out.push(`${p.dim(`${line} |`)} ${source}`);
  out.push(`${pad}${p.dim(' |')} ${lead}${underline}`);
  if (d.hint) out.push(`${pad} ${p.dim('=')} ${p.cyan('help:')} ${d.hint}`);
  for (const r of d.related ?? []) {
    const rp = lines.position(r.offset);
    out.push(`${pad} ${p.dim('=')} note: ${r.message} at ${file}:${rp.line}:${rp.column}`);
  }
  return out.join('\n');
}

class SourceLines {
  private readonly starts: number[] = [0];
  constructor(private readonly source: string) {
    for (let i = 0; i < source.length; i++) {
      const c = source.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (source.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  /** 1-based line and column of an offset (offsets past the end land on the last line). */
  position(offset: number): { line: number; column: number } {
    const at = Math.max(0, Math.min(offset, this.source.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - this.starts[lo] + 1 };
  }

  /** The text of a 1-based line, without its line break. */
  text(line: number): string {
    const start = this.starts[line - 1] ?? this.source.length;
    const end = this.starts[line] ?? this.source.length;
    return this.source.slice(start, end).replace(/\r?\n$|\r$/, '');
  }
}
