// `mfx check FILE...`: compiles each file and prints its diagnostics. Exit 0 when every file
// is free of errors (warnings are printed but do not fail), 1 otherwise.
import type { Command } from 'commander';
import { compile } from '../../compiler/index.js';
import { MACHINE_FACTS } from '../machine-facts.js';
import type { CliContext } from '../context.js';
import { diagnosticsToJson } from '../diagnostics/json.js';
import { renderDiagnostics, summarizeDiagnostics } from '../diagnostics/render.js';
import { readSourceFile } from '../diagnostics/source-file.js';
import { shouldUseColor } from '../format/color.js';

export function registerCheck(program: Command, ctx: CliContext): void {
  program
    .command('check')
    .description('check .mfx files for errors and warnings without running anything')
    .argument('<files...>', '.mfx files to check')
    .option('--json', 'print the diagnostics as JSON (one array for all files) instead of text')
    .addHelpText('after', '\nExit status: 0 when no file has errors (warnings allowed), 1 when any has.\n\nExample:\n  mfx check examples/*.mfx\n')
    .action((files: string[], opts: { json?: boolean }) => {
      const color = shouldUseColor(ctx.stderr);
      const all: ReturnType<typeof diagnosticsToJson> = [];
      let failed = false;
      for (const file of files) {
        const text = readSourceFile(file);
        const { diagnostics } = compile(text, file, MACHINE_FACTS);
        const errors = diagnostics.some((d) => d.severity === 'error');
        failed ||= errors;
        if (opts.json) {
          all.push(...diagnosticsToJson(diagnostics, text, file));
          continue;
        }
        if (diagnostics.length > 0) ctx.stderr.write(renderDiagnostics(diagnostics, text, file, { color }));
        const summary = summarizeDiagnostics(diagnostics);
        if (errors) ctx.stderr.write(`${file}: ${summary}\n`);
        else ctx.stdout.write(`${file}: ok${summary ? ` (${summary})` : ''}\n`);
      }
      if (opts.json) ctx.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
      if (failed) ctx.setExitCode(1);
    });
}
