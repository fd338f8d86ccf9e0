// An IDX dataset folder: the four files of MNIST's layout, each plain or .gz. Colour images
// ([n, h, w, c], magic 2052) may be spelled idx4 instead of idx3.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { DataError } from './errors.js';

/** The four standard file names of an IDX dataset folder (each may also end in .gz). */
export const IDX_FILE_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export type IdxFileRole = keyof typeof IDX_FILE_NAMES;

/** Every accepted spelling of a role, in order of preference (before the .gz variants). */
function spellings(role: IdxFileRole): string[] {
  const name = IDX_FILE_NAMES[role];
  return name.includes('-images-') ? [name, name.replace('idx3', 'idx4')] : [name];
}

/**
 * Finds the four standard files in a folder, each plain or .gz (plain wins when both exist).
 * `missingRemedy` says how to get the files when the folder or a file is absent.
 */
export async function locateIdxFiles(dir: string, missingRemedy: string): Promise<Record<IdxFileRole, string>> {
  return locateIdxFilesSync(dir, missingRemedy);
}

/** locateIdxFiles for the compiler's synchronous dataset reader (a few stat calls). */
export function locateIdxFilesSync(dir: string, missingRemedy: string): Record<IdxFileRole, string> {
  if (!existsSync(dir)) throw new DataError(`The dataset folder ${dir} does not exist. ${missingRemedy}`, dir);
  if (!statSync(dir).isDirectory()) throw new DataError(`${dir} is a file, not a dataset folder. Give \`dataset idx\` the folder that holds the IDX files.`, dir);
  const found: Partial<Record<IdxFileRole, string>> = {};
  const missing: IdxFileRole[] = [];
  for (const role of Object.keys(IDX_FILE_NAMES) as IdxFileRole[]) {
    const candidates = spellings(role).flatMap((name) => [path.join(dir, name), path.join(dir, `${name}.gz`)]);
    const hit = candidates.find((c) => existsSync(c));
    if (hit) found[role] = hit;
    else missing.push(role);
  }
  if (missing.length === 0) return found as Record<IdxFileRole, string>;
  const names = missing.map((r) => IDX_FILE_NAMES[r]);
  const trainOnly = found.trainImages && found.trainLabels && missing.every((r) => r === 'testImages' || r === 'testLabels');
  if (trainOnly) {
    throw new DataError(
      `The dataset folder ${dir} has a training set but no test set: ${names.map((n) => path.join(dir, n)).join(' and ')} ${names.length === 1 ? 'is' : 'are'} missing (plain or .gz). ` +
        'mfx evaluates on the test split, so the folder needs both (EMNIST calls its test files emnist-SPLIT-test-images-idx3-ubyte.gz and emnist-SPLIT-test-labels-idx1-ubyte.gz: ' +
        'copy them in as t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz).',
      path.join(dir, names[0]),
    );
  }
  throw new DataError(
    `The dataset folder ${dir} lacks ${names.length === 1 ? 'the file' : 'the files'} ${names.join(', ')} (plain or .gz); ` +
      `an IDX dataset folder needs all four of ${Object.values(IDX_FILE_NAMES).join(', ')}. ${missingRemedy}`,
    path.join(dir, names[0]),
  );
}
