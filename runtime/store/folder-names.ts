// Names inside a run folder made from arm names, labels and test-set names.

/** Arm names and labels are identifiers already; this only guards against path tricks. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** Test-set names carry dots (`pmnist.hcut`), which are kept; anything else odd becomes `_`. */
export function testSetFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\./, '_');
}
