// Runs `mfx` in-process with captured output, for the `mfx data` tests.
import { Writable } from 'node:stream';
import { main } from '../../cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

export async function runMfx(args: string[]): Promise<CliResult> {
  const out = capture();
  const err = capture();
  const code = await main(args, { stdout: out.stream, stderr: err.stream });
  return { code, stdout: out.text(), stderr: err.text() };
}
