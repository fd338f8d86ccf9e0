// `mfx fmt FILE...`: prints the canonical layout, rewrites files with --write, or with --check
// lists the files that are not formatted and exits 1. Files with syntax errors are never
// rewritten: their diagnostics are printed instead.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { capDiagnostics, parse, print } from '../../compiler/index.js';
import type { CliContext } from '../context.js';
import { UserError } from '../context.js';
import { EnvironmentError, isEnvironmentFailure } from '../environment-error.js';
import { renderDiagnostics } from '../diagnostics/render.js';
import { readSourceFile } from '../diagnostics/source-file.js';
import { shouldUseColor } from '../format/color.js';

/**
 * The printer's text with the source's byte-order mark and line endings: a file written with
 * a BOM keeps it, and a CRLF (or CR) file stays CRLF (or CR), so formatting changes layout only.
 */
export function inSourceLayout(source: string, printed: string): string {
  const bom = source.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  const eol = source.match(/\r\n|\n|\r/)?.[0] ?? '\n';
  return bom + (eol === '\n' ? printed : printed.replace(/\n/g, eol));
}

export function registerFmt(program: Command, ctx: CliContext): void {
  program
    .command('fmt')
    .description('format .mfx files in the canonical layout (comments are kept)')
    .argument('<files...>', '.mfx files to format')
    .option('-w, --write', 'rewrite the files in place')
    .option('-c, --check', 'change nothing; exit 1 and list the files that are not formatted')
    .addHelpText('after', '\nWithout --write or --check the formatted text goes to standard output.\n\nExamples:\n  mfx fmt experiment.mfx\n  mfx fmt --write examples/*.mfx\n  mfx fmt --check examples/*.mfx\n')
    .action((files: string[], opts: { write?: boolean; check?: boolean }) => {
      if (opts.write && opts.check) throw new UserError('choose one of --write and --check.', 2);
      const color = shouldUseColor(ctx.stderr);
      for (const file of files) {
        const text = readSourceFile(file);
        const { ast, diagnostics } = parse(text, file);
        const errors = diagnostics.filter((d) => d.severity === 'error');
        if (errors.length > 0) {
          ctx.stderr.write(renderDiagnostics(capDiagnostics(errors), text, file, { color }));
          ctx.stderr.write(`${file}: not formatted: fix the syntax errors first\n`);
          ctx.setExitCode(1);
          continue;
        }
        const formatted = inSourceLayout(text, print(ast));
        if (opts.check) {
          if (formatted !== text) {
            ctx.stdout.write(`${file}: not formatted (run \`mfx fmt --write ${file}\`)\n`);
            ctx.setExitCode(1);
          }
        } else if (opts.write) {
          if (formatted !== text) {
            try {
              writeFileSync(file, formatted);
            } catch (err) {
              if (isEnvironmentFailure(err)) throw EnvironmentError.from(err, file);
              throw new UserError(`cannot write ${file}: ${(err as Error).message}`);
            }
            ctx.stdout.write(`${file}: formatted\n`);
          }
        } else {
          ctx.stdout.write(formatted);
        }
      }
    });
}
