// Compiles kernels.wat (WebAssembly text) to the bytes in kernels-wasm.ts, with wabt (a dev
// dependency: the product loads the committed bytes, test/runtime/backend/simd-kernels.test.ts
// fails when they no longer match the text). Run: node --import tsx runtime/backend/wasm-kernels/simd/gen-kernels-wasm.ts
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const WAT_PATH = path.join(here, 'kernels.wat');
export const GENERATED_PATH = path.join(here, 'kernels-wasm.ts');

export async function compileKernelsWat(): Promise<Uint8Array> {
  const wabt = await (await import('wabt')).default();
  const module = wabt.parseWat('kernels.wat', readFileSync(WAT_PATH, 'utf8'), { simd: true });
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

export function generatedSource(bytes: Uint8Array): string {
  const base64 = Buffer.from(bytes).toString('base64');
  const lines = base64.match(/.{1,96}/g) ?? [];
  return [
    '// Generated from kernels.wat by gen-kernels-wasm.ts: do not edit.',
    `export const KERNELS_WASM_BASE64 =\n${lines.map((l) => `  '${l}'`).join(' +\n')};`,
    '',
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(GENERATED_PATH, generatedSource(await compileKernelsWat()));
}
