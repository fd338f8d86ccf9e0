// The one error type of the data layer. The CLI prints `message` as it is, so every message is
// a single paragraph that names the file or folder, says what is wrong with it, and says what
// to do about it. Nothing in runtime/data prints or exits.

export class DataError extends Error {
  /** The file or folder the problem is about (absolute or as given), when there is one. */
  readonly path: string | undefined;

  constructor(message: string, path?: string) {
    super(message);
    this.name = 'DataError';
    this.path = path;
  }
}
