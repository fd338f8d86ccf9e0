// The `mfx` command: parses arguments with commander and dispatches to cli/commands/*.
// Errors that reach it become text and an exit code here: usage errors 2, a UserError its own code,
// anything else an internal error. Commands word their own problems first (diagnostics, warnings,
// and runtime errors that are data, e.g. cli/run/error-text.ts) and report status via setExitCode.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { CliContext } from './context.js';
import { UserError } from './context.js';
import { EnvironmentError, isEnvironmentFailure } from './environment-error.js';

export type CommandRegistrar = (program: Command, ctx: CliContext) => void;

/**
 * One lazy import per command: `mfx check` loads check's module and what it imports, nothing of
 * `run` (tfjs, Ink, React) or `report` (Vega). `--version` loads none; help, no command or an
 * unknown one load them all so that commander can list them. Keep it one line per command.
 */
const COMMANDS: Record<string, () => Promise<CommandRegistrar>> = {
  check: async () => (await import('./commands/check.js')).registerCheck,
  plan: async () => (await import('./commands/plan.js')).registerPlan,
  fmt: async () => (await import('./commands/fmt.js')).registerFmt,
  run: async () => (await import('./commands/run.js')).registerRun,
  data: async () => (await import('./commands/data.js')).registerData,
  report: async () => (await import('./commands/report.js')).registerReport,
  compare: async () => (await import('./commands/compare.js')).registerCompare,
  backends: async () => (await import('./commands/backends.js')).registerBackends,
  lsp: async () => (await import('./commands/lsp.js')).registerLsp,
  worker: async () => (await import('./commands/worker.js')).registerWorker,
};

/** The registrars `argv` needs, in the order of COMMANDS (the order help lists them in). */
async function registrarsFor(argv: string[]): Promise<CommandRegistrar[]> {
  const first = argv.find((a) => !a.startsWith('-'));
  if (first !== undefined && Object.hasOwn(COMMANDS, first)) return [await COMMANDS[first]()];
  if (first === undefined && argv.some((a) => a === '-V' || a === '--version')) return [];
  return Promise.all(Object.values(COMMANDS).map((load) => load()));
}

/** The version in mfx's package.json: one folder up from cli/ in the sources, two from dist/cli/. */
function packageVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'mfx') return pkg.version;
    } catch {
      // not at this level: try the next one up
    }
  }
  return 'unknown';
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
  for (const register of await registrarsFor(argv)) register(program, ctx);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (caught) {
    let err = caught;
    if (err instanceof CommanderError) {
      // Help and version exit 0; every other commander error is a usage error.
      return err.exitCode === 0 ? Math.max(exitCode, 0) : 2;
    }
    if (isEnvironmentFailure(err)) err = EnvironmentError.from(err);
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
