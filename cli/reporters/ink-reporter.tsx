// The live terminal UI as a Reporter: events go into a RunStore, Ink draws it a few times a
// second, and close() leaves the final frame (results table, run folder) on screen.
import { render, type Instance } from 'ink';
import { RunApp } from '../ui/run-app.js';
import { RunStore, UPDATE_INTERVAL_MS } from '../ui/run-store.js';
import type { Reporter } from './index.js';

export interface InkReporterOptions {
  stdout: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  stdin?: NodeJS.ReadableStream;
  color: boolean;
  /** Graceful stop, wired to the command's abort (same as the first Ctrl-C). */
  onStopRequest?: () => void;
  /** What Ctrl-C does while the UI holds the keyboard in raw mode; default: SIGINT to this process. */
  onInterrupt?: () => void;
  store?: RunStore;
  /** Route console.* above the live part (default true; tests turn it off). */
  patchConsole?: boolean;
}

/** SIGINT to ourselves so the command's own handler (first: graceful, second: at once) decides. */
function raiseSigint(): void {
  process.kill(process.pid, 'SIGINT');
}

export function createInkReporter(options: InkReporterOptions): Reporter {
  const store = options.store ?? new RunStore();
  const stdin = (options.stdin ?? process.stdin) as NodeJS.ReadStream;
  const stop = () => {
    store.requestStop();
    options.onStopRequest?.();
  };
  const interrupt = () => {
    store.requestStop();
    (options.onInterrupt ?? raiseSigint)();
  };
  // Other writes to stderr while the UI is up (the command's "Stopping..." notice) would
  // shift the live part and leave stale lines; route them through Ink, which prints them
  // above the live part. Ink itself gets the unpatched write.
  const stderr = (options.stderr ?? process.stderr) as NodeJS.WriteStream;
  const originalWrite = stderr.write;
  const hadOwnWrite = Object.prototype.hasOwnProperty.call(stderr, 'write');
  const inkStderr = Object.create(stderr, {
    write: { value: (...args: unknown[]) => (originalWrite as (...a: unknown[]) => boolean).apply(stderr, args) },
  }) as NodeJS.WriteStream;
  let writeAbove: ((data: string) => void) | null = null;
  stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (writeAbove && (typeof chunk === 'string' || chunk instanceof Uint8Array)) {
      writeAbove(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }
    return (originalWrite as (...a: unknown[]) => boolean).apply(stderr, [chunk, ...rest]);
  }) as typeof stderr.write;
  const releaseStderr = () => {
    writeAbove = null;
    if (hadOwnWrite) stderr.write = originalWrite;
    else delete (stderr as { write?: unknown }).write;
  };

  // Ink restores raw mode and the cursor on unmount; this covers a process.exit() that skips it.
  const restoreTerminal = () => {
    releaseStderr();
    if (stdin.isTTY && typeof stdin.setRawMode === 'function') stdin.setRawMode(false);
    if ((options.stdout as NodeJS.WriteStream).isTTY) options.stdout.write('\u001b[?25h');
  };
  process.once('exit', restoreTerminal);

  const setWriter = (write: (data: string) => void) => {
    writeAbove = write;
  };
  const app = <RunApp store={store} color={options.color} onStop={stop} onInterrupt={interrupt} onStderrWriter={setWriter} />;
  const instance: Instance = render(app, {
    stdout: options.stdout as NodeJS.WriteStream,
    stderr: inkStderr,
    stdin,
    exitOnCtrlC: false,
    patchConsole: options.patchConsole ?? true,
    maxFps: Math.ceil(1000 / UPDATE_INTERVAL_MS),
  });

  let closed = false;
  return {
    onEvent(event) {
      store.dispatch(event);
    },
    async close() {
      if (closed) return;
      closed = true;
      store.flush();
      // Let React commit the last snapshot before unmounting, so the final frame stays.
      await new Promise((resolve) => setImmediate(resolve));
      releaseStderr();
      // Failed before the run started (bad backend, unreadable data): leave no "starting…" behind.
      if (store.getState().header === null) instance.clear();
      instance.unmount();
      await instance.waitUntilExit().catch(() => undefined);
      store.dispose();
      process.off('exit', restoreTerminal);
    },
  };
}
