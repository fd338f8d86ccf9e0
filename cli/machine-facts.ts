// What the compiler may learn from this machine (it never touches the disk itself): the shape and
// class count of a dataset from its IDX headers, and whether a `load` file exists. Every command
// that compiles, and the language server, pass the same facts, so they report the same diagnostics.
import { existsSync } from 'node:fs';
import type { CompileOptions } from '../compiler/index.js';
import { readDatasetInfo } from '../runtime/data/dataset-info.js';

export const MACHINE_FACTS: CompileOptions = { datasetInfo: readDatasetInfo, fileExists: existsSync };
