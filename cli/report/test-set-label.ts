// Short labels for test sets in tables and charts: `pmnist.hcut` → `hcut`,
// `pmnist-fill.noise` → `tcut+noise`. Unknown names are shown as they are.
import { parseTestSetName } from '../../compiler/test-sets.js';

export function testSetLabel(name: string): string {
  const parsed = parseTestSetName(name);
  if (!parsed) return name;
  return parsed.variant.kind === 'occlusion' ? parsed.variant.occlusion : `tcut+${parsed.variant.fill}`;
}
