// Preloaded with `node --import` by test/cli/lazy-loading.test.ts: appends every module URL the
// process resolves (ES modules, and packages' entries required from them) to the file named by
// MFX_TRACE_IMPORTS, one per line, so the test can tell which packages a command loaded.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
import { appendFileSync } from 'node:fs';
const file = process.env.MFX_TRACE_IMPORTS;
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (file) appendFileSync(file, result.url + '\\n');
  return result;
}`),
);
