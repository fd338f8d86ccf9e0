// What a command gets from main: where to write, and how to report its exit status.
// Commands set their status with setExitCode and main() returns it as the exit code. One exception:
// a second Ctrl-C during `mfx run` exits at once with 130 (cli/commands/run.ts).
export interface CliContext {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** 0 ok, 1 check failed / run failed, 2 usage error, 130 interrupted. The highest set wins. */
  setExitCode(code: number): void;
}

/** A user-facing failure: printed as one paragraph (no stack trace) with the given exit code. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
