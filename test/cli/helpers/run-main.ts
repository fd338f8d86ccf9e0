// Runs the mfx command line in this process with captured output: the one way CLI tests call main().
import { Writable } from 'node:stream';
import { main } from '../../../cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

class Capture extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** `mfx ARGS...` in-process: its exit code and everything it wrote to stdout and stderr. */
export async function runMain(args: string[]): Promise<CliResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(args, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
