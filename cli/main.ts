// The `mfx` command: parses arguments with commander and dispatches to cli/commands/*.
// This is the only module that turns errors into text and exit codes.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { CliContext } from './context.js';
import { UserError } from './context.js';
import { registerCheck } from './commands/check.js';
import { registerPlan } from './commands/plan.js';
import { registerFmt } from './commands/fmt.js';
import { registerRun } from './commands/run.js';
import { registerData } from './commands/data.js';
import { registerReport } from './commands/report.js';
import { registerCompare } from './commands/compare.js';
import { registerBackends } from './commands/backends.js';

export type CommandRegistrar = (program: Command, ctx: CliContext) => void;

const REGISTRARS: CommandRegistrar[] = [
  registerCheck,
  registerPlan,
  registerFmt,
  registerRun,
  registerData,
  registerReport,
  registerCompare,
  registerBackends,
];

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs the mfx command line and resolves to the process exit code. */
export async function main(argv: string[], io: Partial<Pick<CliContext, 'stdout' | 'stderr'>> = {}): Promise<number> {
  let exitCode = 0;
  const ctx: CliContext = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    setExitCode: (code) => {
      exitCode = Math.max(exitCode, code);
    },
  };
  const program = new Command('mfx')
    .description('Declarative layer-freezing experiments on neural networks')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    })
    .exitOverride();
  for (const register of REGISTRARS) register(program, ctx);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; every other commander error is a usage error.
      return err.exitCode === 0 ? Math.max(exitCode, 0) : 2;
    }
    if (err instanceof UserError) {
      ctx.stderr.write(`mfx: error: ${err.message}\n`);
      return Math.max(exitCode, err.exitCode);
    }
    const e = err as Error;
    ctx.stderr.write(
      `mfx: internal error: ${e?.message ?? String(err)}\n` +
        'This is a bug in mfx, not in your experiment. Set MFX_DEBUG=1 to see the stack trace and please report it.\n',
    );
    if (process.env.MFX_DEBUG) ctx.stderr.write(`${e?.stack ?? ''}\n`);
    return Math.max(exitCode, 1);
  }
  return exitCode;
}
