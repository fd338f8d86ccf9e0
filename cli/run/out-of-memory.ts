// A backend that runs out of memory fails in its own words: wasm's "memory access out of
// bounds" (a failed allocation inside the module), V8's "Array buffer allocation failed",
// TensorFlow's "OOM when allocating". The compiler bounds the model's memory (MFX2082), but
// its estimate is rough; when a backend still runs out, `run` says so instead of "a bug".
const OUT_OF_MEMORY = /memory access out of bounds|array buffer allocation failed|out of memory|OOM when allocating|Invalid typed array length|Cannot allocate Wasm memory/i;

/** True for an error that most likely means the backend ran out of memory. */
export function isOutOfMemory(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const isAllocationKind = err instanceof RangeError || err.name === 'RuntimeError' || /worker thread/.test(err.message) || err.name === 'Error';
  return isAllocationKind && OUT_OF_MEMORY.test(err.message);
}

export function outOfMemoryMessage(err: Error, runDir: string, resumeHint: string): string {
  return (
    `the backend ran out of memory (${err.message.split('\n')[0]}). The model or the batch is too large for it: ` +
    `use a smaller \`batch\`, fewer filters or units, or more pooling (see "Limits" in docs/language.md).` +
    (resumeHint ? ` ${resumeHint}` : ` Nothing was lost in ${runDir}.`)
  );
}
