// Loads kernels.wat's compiled bytes against the memory of a tfjs wasm backend, once per
// backend (each worker thread has its own). Null where WebAssembly SIMD is unavailable, or
// with MFX_WASM_SIMD=off (for comparisons): the callers then run their JavaScript loops,
// which give the same bits.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { KERNELS_WASM_BASE64 } from './kernels-wasm.js';

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

const loaded = new WeakMap<object, SimdKernels | null>();
let compiled: object | null | undefined;

function compile(): object | null {
  if (compiled === undefined) {
    try {
      compiled = new wasmApi.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
    } catch {
      compiled = null; // no SIMD in this engine
    }
  }
  return compiled;
}

export function simdKernels(backend: BackendWasm): SimdKernels | null {
  if (process.env.MFX_WASM_SIMD === 'off') return null;
  const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  if (!(memory instanceof wasmApi.Memory)) return null;
  if (!loaded.has(memory)) {
    const module = compile();
    let kernels: SimdKernels | null = null;
    try {
      if (module) kernels = new wasmApi.Instance(module, { env: { memory } }).exports as unknown as SimdKernels;
    } catch {
      kernels = null; // a memory this module cannot import: the JavaScript loops take over
    }
    loaded.set(memory, kernels);
  }
  return loaded.get(memory) ?? null;
}

/** Size in bytes of the backend's heap now (it grows: ask after allocating). */
export function heapBytes(backend: BackendWasm): number {
  return (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.length;
}

/** Byte offset of a tensor's data in the backend's heap. */
export function heapOffset(backend: BackendWasm, t: TensorInfo): number {
  return (backend as unknown as { dataIdMap: { get(id: unknown): { memoryOffset: number } } }).dataIdMap.get(t.dataId).memoryOffset;
}
