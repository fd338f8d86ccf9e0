// `mfx report RUN_DIR [--no-png]`: writes report.md, report.html and charts/ into a run folder.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { REPORT_FILES, writeReport } from '../report/write-report.js';
import { join } from 'node:path';

export function registerReport(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description('write report.md, report.html and charts (SVG, PNG) into a run folder')
    .argument('<run-dir>', 'a run folder written by `mfx run` (holds results.json)')
    .option('--no-png', 'write the charts as SVG only')
    .option('--no-samples', 'skip the sample-image grids (they load the dataset)')
    .action(async (runDir: string, opts: { png: boolean; samples: boolean }) => {
      const written = await writeReport(runDir, { png: opts.png, samples: opts.samples });
      const charts = written.files.filter((f) => f.includes(`${REPORT_FILES.charts}/`) || f.includes(`${REPORT_FILES.charts}\\`)).length;
      ctx.stdout.write(`wrote ${join(runDir, REPORT_FILES.markdown)}, ${join(runDir, REPORT_FILES.html)} and ${charts} chart file(s) in ${join(runDir, REPORT_FILES.charts)}\n`);
      for (const note of written.notes) ctx.stdout.write(`note: ${note}\n`);
    });
}
