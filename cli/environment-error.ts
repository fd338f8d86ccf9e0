// The environment failed, not mfx and not the experiment: a full disk, a read-only or
// forbidden folder, a missing folder. One error type for every command, saying which path,
// the real cause (errno code included) and what to do. `main` turns any such error that
// reaches it into this; `run` adds the resume hint. "internal error ... a bug in mfx" is left
// for real bugs.
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { UserError } from './context.js';

/** Errno codes that describe the machine, with the cause in words and the remedy. */
const CAUSES: Record<string, { cause: string; remedy: string }> = {
  ENOSPC: { cause: 'the disk is full', remedy: 'free some space (see `df -h`) or write somewhere else' },
  EDQUOT: { cause: 'the disk quota is used up', remedy: 'free some space or write somewhere else' },
  EROFS: { cause: 'the file system is read-only', remedy: 'choose a writable folder' },
  EACCES: { cause: 'permission denied', remedy: "check the folder's permissions, or choose another folder" },
  EPERM: { cause: 'the operation is not permitted', remedy: "check the folder's permissions, or choose another folder" },
  ENOENT: { cause: 'a folder on the way does not exist', remedy: 'create it, or check the path' },
  ENOTDIR: { cause: 'a part of the path is a file, not a folder', remedy: 'check the path' },
  EISDIR: { cause: 'it is a folder, not a file', remedy: 'give a file path' },
  EMFILE: { cause: 'too many files are open', remedy: 'raise the limit (`ulimit -n`) or run fewer jobs (--jobs)' },
  ENFILE: { cause: 'the system has too many files open', remedy: 'close other programs or try again later' },
  EIO: { cause: 'the disk reported an input/output error', remedy: 'check the disk' },
  ENAMETOOLONG: { cause: 'the path is too long', remedy: 'choose a shorter path' },
  EBUSY: { cause: 'the file or folder is busy', remedy: 'try again when the other program has finished' },
};

export type ErrnoError = NodeJS.ErrnoException & { code: string };

/** True for an error from the file system (or other system call) with an errno code mfx can explain. */
export function isEnvironmentFailure(err: unknown): err is ErrnoError {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return err instanceof Error && !(err instanceof UserError) && typeof code === 'string' && code in CAUSES;
}

export class EnvironmentError extends UserError {
  constructor(
    readonly path: string,
    readonly code: string,
    readonly reason: string,
    readonly remedy: string,
    readonly action: string,
    hint = '',
  ) {
    super(`cannot ${action} ${path}: ${reason} (${code}). ${capitalise(remedy)}.${hint ? ` ${hint}` : ''}`);
    this.name = 'EnvironmentError';
  }

  /**
   * The error in words. `fallbackPath` names where mfx was writing when the system call did not
   * say (a failed `write` carries no path). A missing folder under a read-only or forbidden
   * parent is reported as what it is: mkdir on a read-only file system can answer ENOENT.
   */
  static from(err: ErrnoError, fallbackPath = '', hint = ''): EnvironmentError {
    const target = err.path ?? (err as { dest?: string }).dest ?? fallbackPath;
    const action = actionOf(err.syscall);
    let code = err.code;
    let where = target || '(unknown path)';
    if (code === 'ENOENT' && target && /mkdir|open|write/.test(err.syscall ?? '')) {
      const blocked = unwritableAncestor(target);
      if (blocked) ({ code, where } = { code: blocked.code, where: blocked.dir });
    }
    const { cause, remedy } = CAUSES[code] ?? CAUSES[err.code];
    return new EnvironmentError(where, code, cause, remedy, action, hint);
  }
}

function actionOf(syscall: string | undefined): string {
  if (!syscall) return 'write';
  if (/^(open|read|scandir|stat|lstat|access)$/.test(syscall)) return 'use';
  if (syscall === 'mkdir') return 'create';
  return 'write';
}

/** The nearest existing folder above `target` when it cannot be written, with the reason. */
function unwritableAncestor(target: string): { dir: string; code: string } | null {
  let dir = path.dirname(path.resolve(target));
  while (!existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  try {
    accessSync(dir, constants.W_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && code in CAUSES ? { dir, code } : null;
  }
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
