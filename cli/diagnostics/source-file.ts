// Reading a .mfx file for a command: a missing or unreadable file is a UserError that says
// which file and why, never a stack trace.
import { readFileSync } from 'node:fs';
import { UserError } from '../context.js';
import { EnvironmentError, isEnvironmentFailure } from '../environment-error.js';

export function readSourceFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`cannot read ${file}: no such file. Check the path, or run \`ls\` to see what is there.`);
    if (code === 'EISDIR') throw new UserError(`cannot read ${file}: it is a folder, not an .mfx file.`);
    if (code === 'EACCES') throw new UserError(`cannot read ${file}: permission denied.`);
    if (isEnvironmentFailure(err)) throw EnvironmentError.from(err, file);
    throw new UserError(`cannot read ${file}: ${(err as Error).message}`);
  }
}
