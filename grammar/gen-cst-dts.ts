// Regenerates grammar/cst.d.ts from the grammar: `npx tsx grammar/gen-cst-dts.ts`.
// test/grammar/cst-types.test.ts fails when the committed file is out of date.
import { writeFileSync } from 'node:fs';
import { cstDtsText } from './cst-dts.js';

writeFileSync(new URL('./cst.d.ts', import.meta.url), cstDtsText());
