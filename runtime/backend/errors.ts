// Why a requested backend cannot be used. The CLI prints `message` as one paragraph.
export class BackendError extends Error {
  constructor(
    message: string,
    readonly backend: string,
  ) {
    super(message);
    this.name = 'BackendError';
  }
}
