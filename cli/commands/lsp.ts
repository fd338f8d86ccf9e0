// `mfx lsp --stdio`: the language server for editors (see editors/vscode/). The server module is
// imported only when the command runs, so other commands do not load it and it loads no more
// than the parser and compiler.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerLsp(program: Command, _ctx: CliContext): void {
  program
    .command('lsp')
    .description('run the mfx language server (Language Server Protocol) for editors')
    .option('--stdio', 'talk over standard input and output (the default and only transport)')
    .addHelpText('after', '\nEditors start this themselves; see editors/vscode/ for VS Code.\nThe process exits 0 after the client\'s shutdown and exit, 1 when the client goes away without them.\n')
    .action(async () => {
      const { startServer } = await import('../lsp/server.js');
      startServer(process.stdin, process.stdout);
    });
}
