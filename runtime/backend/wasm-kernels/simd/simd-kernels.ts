// Loads kernels.wat's compiled bytes against the memory of a tfjs wasm backend, once per
// backend (each worker thread has its own). Null where WebAssembly SIMD is unavailable, or
// with MFX_WASM_SIMD=off (for comparisons): the callers then run their JavaScript loops,
// which give the same bits, or for the direct convolutions the XNNPACK forms (other bits).
import { setFlagsFromString } from 'node:v8';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { KERNELS_RELAXED_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels-wasm.js';

export interface SimdKernels {
  /** `count` runs of `len` floats: dst[r*dstStride + i] += src[r*srcStride + i] (pointers and strides in bytes). */
  addRuns(dst: number, src: number, len: number, count: number, dstStride: number, srcStride: number): void;
  /** `count` runs of `len` floats: dst[r*dstStride + i] = src[r*srcStride + i] (pointers and strides in bytes). */
  copyRuns(dst: number, src: number, len: number, count: number, dstStride: number, srcStride: number): void;
  /** MaxPoolGrad of 2x2/2 windows tiling the input (see kernels.wat). */
  maxPoolGrad2x2(xs: number, ys: number, dys: number, out: number, outRows: number, outWidth: number, ch: number, rowStride: number): void;
  /** Direct stride-1 convolution with packed weights [fh, fw, C, ceil(O/4)*4] (see kernels.wat). */
  convGather(input: number, w: number, out: number, batch: number, inH: number, inW: number, C: number,
    outH: number, outW: number, O: number, fh: number, fw: number, padT: number, padL: number): void;
  /** Adds a valid stride-1 convolution's filter gradient to acc [fh, ceil(fw*C/4)*4, ceil(O/4)*4] (see kernels.wat). */
  convFilterGrad(input: number, dy: number, acc: number, batch: number, inH: number, inW: number, C: number,
    outH: number, outW: number, O: number, fh: number, fw: number): void;
}

// The WebAssembly global as far as used here (the project's lib settings do not declare it).
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: abstract new (...args: never[]) => object;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** 'relaxed': the module with fused multiply-adds (kernels-wasm.ts), where the engine takes it. */
export type SimdVariant = 'plain' | 'relaxed';

const loaded = new WeakMap<object, Map<SimdVariant, SimdKernels | null>>();
const compiled = new Map<SimdVariant, object | null>();

function tryCompile(base64: string): object | null {
  try {
    return new wasmApi.Module(Buffer.from(base64, 'base64'));
  } catch {
    return null; // no (relaxed) SIMD in this engine
  }
}

function compile(variant: SimdVariant): object | null {
  if (!compiled.has(variant)) {
    let module = tryCompile(variant === 'plain' ? KERNELS_WASM_BASE64 : KERNELS_RELAXED_WASM_BASE64);
    if (module === null && variant === 'relaxed') {
      // Node 20 has relaxed SIMD behind a V8 flag (later Nodes ship it); wasm features are read
      // when a module compiles, so setting the flag now is enough.
      setFlagsFromString('--experimental-wasm-relaxed-simd');
      module = tryCompile(KERNELS_RELAXED_WASM_BASE64);
    }
    compiled.set(variant, module);
  }
  return compiled.get(variant) ?? null;
}

/**
 * The variant asked for by MFX_WASM_RELAXED=on (plain otherwise). Opt-in: a fused multiply-add
 * rounds once where mul + add round twice, so results differ in the last bits from the plain
 * module's, and between CPUs with and without FMA (V8 falls back to mul + add); plain SIMD
 * gives the same bits on every machine. Either way the bits do not depend on thread counts.
 */
export function requestedVariant(): SimdVariant {
  return process.env.MFX_WASM_RELAXED === 'on' ? 'relaxed' : 'plain';
}

/**
 * The kernels on this backend's heap: the requested variant, or plain where the engine lacks
 * relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd). Null without SIMD or with
 * MFX_WASM_SIMD=off.
 */
export function simdKernels(backend: BackendWasm, variant: SimdVariant = requestedVariant()): SimdKernels | null {
  if (process.env.MFX_WASM_SIMD === 'off') return null;
  const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  if (!(memory instanceof wasmApi.Memory)) return null;
  let perVariant = loaded.get(memory);
  if (perVariant === undefined) loaded.set(memory, (perVariant = new Map()));
  if (!perVariant.has(variant)) {
    const module = compile(variant);
    let kernels: SimdKernels | null = null;
    try {
      if (module) kernels = new wasmApi.Instance(module, { env: { memory } }).exports as unknown as SimdKernels;
    } catch {
      kernels = null; // a memory this module cannot import: the JavaScript loops take over
    }
    perVariant.set(variant, kernels);
  }
  const kernels = perVariant.get(variant) ?? null;
  return kernels === null && variant === 'relaxed' ? simdKernels(backend, 'plain') : kernels;
}

/** Size in bytes of the backend's heap now (it grows: ask after allocating). */
export function heapBytes(backend: BackendWasm): number {
  return (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.length;
}

/** Byte offset of a tensor's data in the backend's heap. */
export function heapOffset(backend: BackendWasm, t: TensorInfo): number {
  return (backend as unknown as { dataIdMap: { get(id: unknown): { memoryOffset: number } } }).dataIdMap.get(t.dataId).memoryOffset;
}
