// The one error type of the data layer. The CLI prints `message` as it is, so every message is
// a single paragraph that names the file or folder, says what is wrong with it, and says what
// to do about it. Nothing in runtime/data prints or exits.

/**
 * A data subset that cannot be served: `available` null when the size itself is malformed
 * (not a whole number of at least 1). cli/ words it with its flag names.
 */
export interface SubsetProblem {
  which: 'train' | 'test';
  requested: number;
  available: number | null;
  /** The folder the dataset was read from. */
  source?: string;
}

export class DataError extends Error {
  /** The file or folder the problem is about (absolute or as given), when there is one. */
  readonly path: string | undefined;
  /** Set when the problem is the requested subset. */
  readonly subset: SubsetProblem | undefined;

  constructor(message: string, path?: string, subset?: SubsetProblem) {
    super(message);
    this.name = 'DataError';
    this.path = path;
    this.subset = subset;
  }
}
