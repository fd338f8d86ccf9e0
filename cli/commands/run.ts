// `mfx run FILE`: compile, execute on a TensorFlow.js backend, show progress, print the table.
// The runtime does the work and emits events; this command only wires flags, signals, the
// reporter and the final summary, and turns runtime errors into one-paragraph messages.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import isInCi from 'is-in-ci';
import type { CliContext } from '../context.js';
import { UserError } from '../context.js';
import { EnvironmentError, isEnvironmentFailure } from '../environment-error.js';
import type { ReporterKind } from '../reporters/index.js';
import { compile, DIAGNOSTIC_CATALOGUE } from '../../compiler/index.js';
import { MACHINE_FACTS } from '../machine-facts.js';
import { renderDiagnostics } from '../diagnostics/render.js';
import { readSourceFile } from '../diagnostics/source-file.js';
import { shouldUseColor } from '../format/color.js';
import { planHash } from '../../compiler/plan-hash.js';
import type { Plan } from '../../compiler/plan.js';
import type { Subset } from '../../runtime/events.js';
import { BACKEND_CHOICES, type BackendChoice } from '../../runtime/backend/choices.js';
import { BackendError } from '../../runtime/backend/errors.js';
import { runFolderText, subsetText } from '../run/error-text.js';
import { subsetNotice } from '../../runtime/results/step-text.js';
import { RunFolderError, defaultRunDir, savedPlanSeed } from '../../runtime/store/run-folder.js';
import { TensorFileError } from '../../runtime/store/tensor-file.js';
import { backendProblemText } from '../format/backend-problem.js';
import { DataError } from '../../runtime/data/errors.js';
import { megabytesFromEnv } from '../run/env-limits.js';
import { resolveCacheDir } from '../run/cache-dir.js';
import { defaultJobs } from '../run/jobs.js';
import { acquireRunLock, type RunLock } from '../run/run-lock.js';
import { isOutOfMemory, outOfMemoryMessage } from '../run/out-of-memory.js';
import { sweepTempFiles } from '../../runtime/store/atomic-write.js';

/** Exit status of a run that ended without a single evaluation (every arm diverged): see README. */
export const EXIT_NO_RESULTS = 3;

/** Signals that stop a run gracefully, and the exit status each gives (128 + its number). */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type StopSignal = (typeof STOP_SIGNALS)[number];
export const SIGNAL_EXIT: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
import { queueErrorText, queueFor, queueResumeArg } from '../queue/run-queue.js';

interface RunFlags {
  backend: BackendChoice;
  out?: string;
  resume?: string;
  trainSubset?: number;
  testSubset?: number;
  reporter?: Exclude<ReporterKind, 'quiet'>;
  quiet?: boolean;
  seed?: number;
  /** commander's negation of --no-reuse. */
  reuse: boolean;
  /** --cache DIR (a string), --no-cache (false), or neither. */
  cache?: string | boolean;
  jobs?: number;
  /** redis://HOST:PORT[/DB]: run the units on `mfx worker`s through this queue. */
  queue?: string;
  /** commander's negation of --no-report. */
  report: boolean;
}

function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} needs a whole number above 0, got "${value}".`);
    return n;
  };
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`--seed needs a whole number 0 or above, got "${value}".`);
  return n;
}

/** `--seed N`: the same plan from another seed (the hash changes with it). */
function withSeed(plan: Plan, seed: number): Plan {
  const seeds = Array.from({ length: plan.repeat }, (_, i) => seed + i);
  const changed = { ...plan, seed, seeds };
  return { ...changed, hash: planHash(changed) };
}


/**
 * The report (report.md, report.html, charts/) at the end of every run. A report that cannot
 * be written is a warning, not a failed run: the results are already safe in the run folder.
 */
async function writeRunReport(runDir: string, ctx: CliContext): Promise<void> {
  try {
    // Loaded here: Vega takes a second to import and a run without a report never needs it.
    const { writeReport } = await import('../report/write-report.js');
    await writeReport(runDir, {});
    ctx.stderr.write(`report: ${join(runDir, 'report.html')} (and report.md, charts/)\n`);
  } catch (err) {
    ctx.stderr.write(`warning: the report could not be written (${(err as Error).message}); the results are in ${runDir}. Try: mfx report ${runDir}\n`);
  }
}

/** One paragraph for errors the user can act on; anything else is a bug and propagates. */
function asUserError(err: unknown, file: string, runDir: string): unknown {
  // The machine failed mid-run: what is complete is kept, and --resume continues from it.
  const resumable = existsSync(join(runDir, 'plan.json'));
  const hint = resumable ? `Everything completed is kept in ${runDir}; after fixing this, continue with: mfx run ${file} --resume ${runDir}` : '';
  if (isEnvironmentFailure(err)) return EnvironmentError.from(err, runDir, hint);
  if (isOutOfMemory(err)) return new UserError(outOfMemoryMessage(err as Error, runDir, hint));
  if (err instanceof RunFolderError) return new UserError(runFolderText(err.problem));
  if (err instanceof DataError && err.subset) return new UserError(subsetText(err.subset));
  if (err instanceof BackendError) return new UserError(backendProblemText(err.backend, err.problem));
  if (err instanceof DataError) return new UserError(err.message);
  if (err instanceof TensorFileError) return new UserError(`Cannot use ${err.file}: it ${err.reason}.`);
  const queueText = queueErrorText(err);
  if (queueText) return new UserError(queueText);
  return err;
}

export function registerRun(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description('run an experiment: train every arm for every seed, evaluate, and write a run folder')
    .argument('<file>', 'the .mfx experiment')
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend (see `mfx backends`)').choices(BACKEND_CHOICES).default('auto'))
    .option('--out <dir>', 'run folder (default runs/<title>-<time>)')
    .option('--resume <dir>', 'continue an interrupted run from its last completed epoch')
    .option('--train-subset <n>', 'use only the first N training images', positiveInt('--train-subset'))
    .option('--test-subset <m>', 'use only the first M images of each test set', positiveInt('--test-subset'))
    .addOption(new Option('--reporter <kind>', 'how progress is shown (default: ink on a terminal, plain otherwise and under CI)').choices(['ink', 'plain', 'json']))
    .option('--quiet', 'show no progress, only the final table')
    .option('--seed <n>', 'override the file\'s seed', nonNegativeInt)
    .option('--no-reuse', 'recompute shared prefixes in every arm instead of starting from the earlier arm\'s state')
    .option('--cache <dir>', 'cache of trained states shared between runs (default $XDG_CACHE_HOME/mfx or ~/.cache/mfx; kept under MFX_CACHE_MB, default 1024)')
    .option('--no-cache', 'neither reuse nor store trained states between runs')
    .option('--jobs <n>', 'threads: arms side by side, or the shards of one arm\'s batches; results do not depend on it (default: one per core)', positiveInt('--jobs'))
    .option('--queue <url>', 'run the arms on `mfx worker` processes through the Redis at redis://HOST:PORT[/DB]')
    .option('--no-report', 'do not write report.md, report.html and charts/ into the run folder at the end')
    .action(async (file: string, flags: RunFlags) => {
      await runCommand(file, flags, ctx);
    });
}

async function runCommand(file: string, flags: RunFlags, ctx: CliContext): Promise<void> {
  if (flags.out && flags.resume) throw new UserError('Use either --out (a new run) or --resume (continue one), not both.', 2);
  const text = readSourceFile(file);
  const { plan: compiled, diagnostics } = compile(text, file, MACHINE_FACTS);
  if (diagnostics.length > 0) {
    ctx.stderr.write(renderDiagnostics(diagnostics, text, file, { color: shouldUseColor(ctx.stderr) }));
  }
  if (!compiled || diagnostics.some((d) => d.severity === 'error')) {
    ctx.setExitCode(1);
    return;
  }
  // `check` only warns about an empty file; running one would report "(no results)" as a success.
  if (diagnostics.some((d) => d.code === DIAGNOSTIC_CATALOGUE.emptyProgram.code)) throw new UserError(`${file} has no statements: there is nothing to run.`);
  // TensorFlow.js takes a good part of a second to import: start now, while the run is set up
  // and the data loads (not before the file compiled: a file with errors should fail at once).
  const executorModule = import('../../runtime/run/execute.js');
  executorModule.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  // --resume repeats the run's own --seed override, so it need not be given again.
  const seed = flags.seed ?? (flags.resume ? savedPlanSeed(flags.resume) : null) ?? compiled.seed;
  const plan = seed === compiled.seed ? compiled : withSeed(compiled, seed);

  const runDir = flags.resume ?? flags.out ?? defaultRunDir(plan.title);
  const queue = flags.queue ? queueFor(flags.queue, runDir, plan, Boolean(flags.resume)) : null;
  const subsetGiven = flags.trainSubset !== undefined || flags.testSubset !== undefined;
  const subset: Subset | undefined = subsetGiven || !flags.resume ? { train: flags.trainSubset ?? null, test: flags.testSubset ?? null } : undefined;
  const notice = subset && subsetNotice(subset);
  if (notice) ctx.stderr.write(`${notice}\n`);
  // A new run's data starts loading now too (file reads and gunzip off the main thread), so it
  // overlaps the imports and the backend's start; a resumed run's subset is its folder's.
  const { loadRunData } = await import('../../runtime/run/run-data.js');
  const dataLoading = subset && !flags.resume ? loadRunData(plan.dataset, subset, plan.model, plan.validation) : undefined;
  dataLoading?.catch(() => {}); // awaited inside executePlan

  // Ink draws no live frames under CI (it asks is-in-ci too), so a CI log gets the plain lines.
  const kind: ReporterKind = flags.quiet ? 'quiet' : (flags.reporter ?? (ctx.stdout.isTTY && !isInCi ? 'ink' : 'plain'));
  const controller = new AbortController();
  const stop = () => {
    if (!controller.signal.aborted) {
      controller.abort();
      ctx.stderr.write('\nStopping: the epoch in progress is abandoned, everything completed is kept. Press Ctrl-C again to quit at once.\n');
    }
  };
  // Loaded here: the live UI (Ink, React) is for `run` alone (see cli/main.ts).
  const { createReporter } = await import('../reporters/index.js');
  const reporter = createReporter({ kind, onStopRequest: stop }, ctx);
  // SIGTERM (kill, systemd, Docker, CI runners) and SIGHUP (the terminal closed) stop the run as
  // Ctrl-C does: nothing new starts, what is complete is kept and the resume hint printed; the
  // exit status is 128 + the signal's number. A second signal quits at once.
  let stoppedBy: StopSignal | null = null;
  let lock: RunLock | null = null;
  const onSignal = (signal: StopSignal) => {
    if (signal === 'SIGHUP') {
      // The terminal may be gone: a failed write to it must not end the run before it saves.
      for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
    }
    if (stoppedBy === null) {
      stoppedBy = signal;
      stop();
    } else {
      lock?.release();
      process.exit(SIGNAL_EXIT[signal]);
    }
  };
  const handlers = STOP_SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);

  let results;
  try {
    // One run at a time in a run folder (a resume of a missing folder is left to the executor's error).
    if (!flags.resume || existsSync(runDir)) {
      lock = acquireRunLock(runDir, !flags.resume);
      if (lock.staleNote) ctx.stderr.write(`${lock.staleNote}\n`);
    }
    // Temporary files of writers that died (a full disk, SIGKILL) are removed before continuing.
    if (flags.resume) sweepTempFiles(runDir);
    // Imported in this function, not at the top: other commands never need TensorFlow.js.
    const { executePlan } = await executorModule;
    results = await executePlan(plan, {
      dataLoading,
      queue: queue ?? undefined,
      backend: flags.backend,
      runDir,
      subset,
      resume: Boolean(flags.resume),
      signal: controller.signal,
      onEvent: (event) => reporter.onEvent(event),
      reuse: flags.reuse,
      cacheDir: resolveCacheDir(flags.cache, process.env),
      cacheLimitBytes: megabytesFromEnv(process.env, 'MFX_CACHE_MB') ?? undefined,
      jobs: flags.jobs ?? defaultJobs(process.env),
      featureCacheBytes: megabytesFromEnv(process.env, 'MFX_FEATURE_CACHE_MB') ?? undefined,
    });
  } catch (err) {
    throw asUserError(err, file, runDir);
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
    lock?.release();
    await reporter.close();
  }

  // Every reporter but json prints the final table and the run folder at run-end.
  if (flags.report && results.evals.length > 0) await writeRunReport(runDir, ctx);
  if (results.status === 'stopped') {
    ctx.stderr.write(`Stopped before the end; everything completed is in ${runDir}. Continue with: mfx run ${file} --resume ${runDir}${queue ? ` --queue ${queueResumeArg(queue.address)}` : ''}\n`);
    ctx.setExitCode(SIGNAL_EXIT[stoppedBy ?? 'SIGINT']);
  } else if (results.evals.length === 0) {
    // A run in which every arm diverged (or none evaluates) has nothing to show: not a success.
    const why = [...new Set(results.table.columns.flatMap((c) => Object.values(c.status).filter((s) => s !== 'done')))];
    ctx.stderr.write(`mfx: no arm produced a result${why.length > 0 ? ` (${why.slice(0, 3).join('; ')}${why.length > 3 ? '; ...' : ''})` : ''}. Try a smaller learning rate, or check the file with \`mfx plan ${file}\`.\n`);
    ctx.setExitCode(EXIT_NO_RESULTS);
  }
}

