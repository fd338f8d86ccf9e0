// `mfx compare RUN_A RUN_B ...`: one table across runs and the plan differences between them;
// `mfx compare --agreement RUN_A:ARM[@LABEL] RUN_B:ARM[@LABEL]`: per-sample agreement of two evaluations.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EnvironmentError, isEnvironmentFailure } from '../environment-error.js';
import { UserError } from '../context.js';
import { compareRuns } from '../report/compare-runs.js';
import { compareAgreement } from '../report/compare-agreement.js';
import { renderHtml } from '../report/html-writer.js';
import { renderMarkdown } from '../report/markdown-writer.js';

export function registerCompare(program: Command, ctx: CliContext): void {
  program
    .command('compare')
    .description('compare run folders: accuracy and Delta per arm per run, and what separates their plans')
    .argument('<run-dirs...>', 'two or more run folders written by `mfx run` (with --agreement: two evaluations, RUN_DIR:ARM[@LABEL])')
    .option('-o, --out <file>', 'also write the comparison to a file (HTML when it ends in .html, else Markdown)')
    .option('--agreement', "per-sample agreement of two evaluations: both right / only A / only B / both wrong per test set, McNemar's exact test")
    .action((runDirs: string[], opts: { out?: string; agreement?: boolean }) => {
      const doc = opts.agreement ? compareAgreement(runDirs) : compareRuns(runDirs);
      const markdown = renderMarkdown(doc);
      ctx.stdout.write(markdown);
      if (opts.out) {
        try {
          writeFileSync(opts.out, opts.out.toLowerCase().endsWith('.html') ? renderHtml(doc) : markdown);
        } catch (err) {
          if (isEnvironmentFailure(err)) throw EnvironmentError.from(err, opts.out);
          throw new UserError(`cannot write \`${opts.out}\`: ${(err as Error).message}. Check that its folder exists and is writable.`);
        }
        ctx.stdout.write(`\nwrote ${opts.out}\n`);
      }
    });
}
