// Errors thrown in a worker thread arrive as plain data; the ones the CLI explains to the user
// (bad data, run folder, backend, damaged files) are rebuilt as their own classes.
import { DataError } from '../../data/errors.js';
import { BackendError } from '../../backend/errors.js';
import { RunFolderError } from '../../store/run-folder.js';
import { TensorFileError } from '../../store/tensor-file.js';
import type { SerializedError } from './messages.js';

export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const e = err as Error & { file?: string; reason?: string; backend?: string; path?: string; code?: unknown; syscall?: string };
  const problem = err instanceof RunFolderError ? err.problem : undefined;
  const subset = err instanceof DataError ? err.subset : undefined;
  const backendProblem = err instanceof BackendError ? err.problem : undefined;
  const code = typeof e.code === 'string' ? e.code : undefined;
  return { name: e.name, message: e.message, stack: e.stack, file: e.file, reason: e.reason, backend: e.backend, path: e.path, problem, subset, backendProblem, code, syscall: e.syscall };
}

export function deserializeError(s: SerializedError): Error {
  let err: Error;
  switch (s.name) {
    case 'DataError':
      err = new DataError(s.message, s.path, s.subset);
      break;
    case 'BackendError':
      err = new BackendError(s.backendProblem ?? { kind: 'load-failed', detail: s.message }, s.backend ?? '');
      break;
    case 'RunFolderError':
      err = s.problem ? new RunFolderError(s.problem) : new Error(s.message);
      break;
    case 'TensorFileError':
      err = new TensorFileError(s.file ?? '', s.reason ?? s.message);
      break;
    default:
      err = new Error(`in a worker thread: ${s.message}`);
      // A file-system failure keeps its errno code and path, so the CLI can explain it.
      if (s.code) Object.assign(err, { code: s.code, syscall: s.syscall, path: s.path });
  }
  if (s.stack) err.stack = s.stack;
  return err;
}
