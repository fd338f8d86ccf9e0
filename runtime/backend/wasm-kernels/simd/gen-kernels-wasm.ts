// Compiles kernels.wat (WebAssembly text) to the bytes in kernels-wasm.ts, with wabt (a dev
// dependency: the product loads the committed bytes, test/runtime/backend/simd-kernels.test.ts
// fails when they no longer match the text). Run: node --import tsx runtime/backend/wasm-kernels/simd/gen-kernels-wasm.ts
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const WAT_PATH = path.join(here, 'kernels.wat');
export const GENERATED_PATH = path.join(here, 'kernels-wasm.ts');

/**
 * The relaxed-SIMD variant of the text: every `(f32x4.add (local.get $acc) (f32x4.mul a b))`
 * becomes `(f32x4.relaxed_madd a b (local.get $acc))`, a fused multiply-add where the CPU has
 * one (one rounding instead of two, so other bits than the plain module's).
 */
export function relaxedText(text: string): string {
  const head = /\(f32x4\.add \(local\.get (\$\w+)\) \(f32x4\.mul /g;
  let out = '';
  let from = 0;
  for (let m = head.exec(text); m !== null; m = head.exec(text)) {
    // the mul's two operands: balanced s-expressions up to the mul's closing parenthesis
    let depth = 1;
    let i = head.lastIndex;
    while (depth > 0) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')') depth--;
      i++;
    }
    const operands = text.slice(head.lastIndex, i - 1);
    if (text[i] !== ')') throw new Error(`relaxedText: unexpected text after the multiply at ${i}`);
    out += `${text.slice(from, m.index)}(f32x4.relaxed_madd ${operands} (local.get ${m[1]}))`;
    from = i + 1;
    head.lastIndex = from;
  }
  return out + text.slice(from);
}

export type KernelsVariant = 'plain' | 'relaxed';

export async function compileKernelsWat(variant: KernelsVariant = 'plain'): Promise<Uint8Array> {
  const wabt = await (await import('wabt')).default();
  const text = readFileSync(WAT_PATH, 'utf8');
  const module = wabt.parseWat('kernels.wat', variant === 'plain' ? text : relaxedText(text), { simd: true, relaxed_simd: true });
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

function constant(name: string, bytes: Uint8Array): string {
  const lines = Buffer.from(bytes).toString('base64').match(/.{1,96}/g) ?? [];
  return `export const ${name} =\n${lines.map((l) => `  '${l}'`).join(' +\n')};`;
}

export function generatedSource(plain: Uint8Array, relaxed: Uint8Array): string {
  return [
    '// Generated from kernels.wat by gen-kernels-wasm.ts: do not edit.',
    constant('KERNELS_WASM_BASE64', plain),
    '// The same with fused multiply-adds (relaxed SIMD; see relaxedText in gen-kernels-wasm.ts).',
    constant('KERNELS_RELAXED_WASM_BASE64', relaxed),
    '',
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(GENERATED_PATH, generatedSource(await compileKernelsWat('plain'), await compileKernelsWat('relaxed')));
}
