// Runs the mfx command line in-process with captured output, for the front-end CLI tests.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMain, type CliResult } from './helpers/run-main.js';

/** `mfx ARGV...` in-process, with captured output. */
export const mfx = (...argv: string[]): Promise<CliResult> => runMain(argv);

/** Writes files into a fresh temporary folder and returns their paths by name. */
export function tempFiles(files: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'mfx-front-'));
  const paths: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) {
    paths[name] = join(dir, name);
    writeFileSync(paths[name], text);
  }
  return paths;
}
