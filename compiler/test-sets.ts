// The catalogue of test-set names per dataset. The compiler resolves `eval` globs against it;
// the runtime (runtime/data) generates the images for each name.
import type { DatasetSpec } from './plan.js';

/** The talk's five PMNIST variants, in table order (rules in docs/language.md, "Datasets and test sets"). */
export const OCCLUSIONS = ['unmodified', 'hcut', 'vcut', 'dcut', 'tcut'] as const;
export type Occlusion = (typeof OCCLUSIONS)[number];

/** The research code's triple-cut fillings, kept outside `p<dataset>.*` so that glob stays the talk's table. */
export const TCUT_FILLS = ['noise', 'blur', 'digit', 'digits3'] as const;
export type TcutFill = (typeof TCUT_FILLS)[number];

/** `pmnist` for mnist, `pfashion` for fashion-mnist, `pidx` for an idx folder. */
export function testSetFamily(dataset: DatasetSpec): string {
  switch (dataset.kind) {
    case 'mnist':
      return 'pmnist';
    case 'fashion-mnist':
      return 'pfashion';
    case 'idx':
      return 'pidx';
  }
}

/** Every test-set name available for a dataset, in report order. */
export function testSetCatalogue(dataset: DatasetSpec): string[] {
  const family = testSetFamily(dataset);
  return [
    ...OCCLUSIONS.map((o) => `${family}.${o}`),
    ...TCUT_FILLS.map((f) => `${family}-fill.${f}`),
  ];
}

export type TestSetVariant =
  | { kind: 'occlusion'; occlusion: Occlusion }
  | { kind: 'tcut-fill'; fill: TcutFill };

/**
 * A test set as the runtime makes it: its name, the family of the dataset it belongs to (which
 * also seeds its generated fillings) and what it does to the test images. The Plan carries one
 * per evaluated name (Plan.testSetRefs), so the runtime never reads names.
 */
export interface TestSetRef {
  name: string;
  family: string;
  variant: TestSetVariant;
}

/** The TestSetRef of a catalogue name, or null when the name is not a test set. */
export function resolveTestSet(name: string): TestSetRef | null {
  const parsed = parseTestSetName(name);
  return parsed ? { name, ...parsed } : null;
}

/** What a catalogue name means, or null when the name is not a test set. */
export function parseTestSetName(name: string): { family: string; variant: TestSetVariant } | null {
  const dot = name.indexOf('.');
  if (dot < 0) return null;
  const family = name.slice(0, dot);
  const rest = name.slice(dot + 1);
  if (family.endsWith('-fill')) {
    const fill = TCUT_FILLS.find((f) => f === rest);
    return fill ? { family: family.slice(0, -'-fill'.length), variant: { kind: 'tcut-fill', fill } } : null;
  }
  const occlusion = OCCLUSIONS.find((o) => o === rest);
  return occlusion ? { family, variant: { kind: 'occlusion', occlusion } } : null;
}
