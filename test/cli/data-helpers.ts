// Runs `mfx` in-process with captured output, for the `mfx data` tests.
import { runMain } from './helpers/run-main.js';

export type { CliResult } from './helpers/run-main.js';
export const runMfx = runMain;
