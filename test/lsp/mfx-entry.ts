// Runs the `mfx` command line from the sources (test/lsp spawns `mfx lsp --stdio` with it), so
// the tests do not depend on how bin/mfx.js finds the code (sources or a compiled build).
import { main } from '../../cli/main.js';

process.exitCode = await main(process.argv.slice(2));
