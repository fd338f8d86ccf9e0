// PLACEHOLDER until its issue lands: replace this whole file.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UserError } from '../context.js';

export function registerCheck(program: Command, _ctx: CliContext): void {
  program
    .command('check')
    .description('(not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => {
      throw new UserError('`mfx check` is not built yet.');
    });
}
