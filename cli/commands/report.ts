// `mfx report RUN_DIR [--no-png] [--no-samples] [--out DIR]`: writes report.md, report.html
// and charts/ into the run folder (or DIR, e.g. docs/results to publish a run).
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UserError } from '../context.js';
import { join } from 'node:path';

export function registerReport(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description('write report.md, report.html and charts (SVG, PNG) into a run folder')
    .argument('<run-dir>', 'a run folder written by `mfx run` (holds results.json)')
    .option('--no-png', 'write the charts as SVG only')
    .option('--no-samples', 'skip the sample-image grids (they load the dataset)')
    .option('--out <dir>', 'write the report into this folder instead of the run folder (created if missing)')
    .action(async (runDir: string, opts: { png: boolean; samples: boolean; out?: string }) => {
      // Loaded here: Vega, resvg and the PNG encoder are for this command alone (see cli/main.ts).
      const { REPORT_FILES, writeReport } = await import('../report/write-report.js');
      let written;
      try {
        written = await writeReport(runDir, { png: opts.png, samples: opts.samples, outDir: opts.out });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EACCES' || code === 'EROFS' || code === 'ENOTDIR' || code === 'EEXIST') {
          throw new UserError(`cannot write the report into \`${opts.out ?? runDir}\`: ${(err as Error).message}. Pass a writable folder with --out.`);
        }
        throw err;
      }
      const dir = opts.out ?? runDir;
      const charts = written.files.filter((f) => f.startsWith(join(dir, REPORT_FILES.charts))).length;
      ctx.stdout.write(`wrote ${join(dir, REPORT_FILES.markdown)}, ${join(dir, REPORT_FILES.html)} and ${charts} chart file(s) in ${join(dir, REPORT_FILES.charts)}\n`);
      for (const note of written.notes) ctx.stdout.write(`note: ${note}\n`);
    });
}
