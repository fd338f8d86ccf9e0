// Direct calls into the wasm backend's own kernels, for composing new kernels
// inside a kernel function. Going through the kernel registry (not tf ops) keeps
// the intermediates off the engine's books: the caller frees each one with
// `backend.disposeData`, which also drops XNNPACK operators cached for its id.
import { getKernel, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export function callWasmKernel(
  kernelName: string,
  backend: BackendWasm,
  inputs: Record<string, TensorInfo>,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const config = getKernel(kernelName, 'wasm');
  if (config === undefined) {
    throw new Error(`wasm kernel ${kernelName} is not registered`);
  }
  return config.kernelFunc({ inputs, backend, attrs }) as TensorInfo;
}

const stock = new Map<string, KernelFunc>();

/** Remembers the wasm backend's own kernel before ./index.ts replaces it (first call wins). */
export function keepStockKernel(kernelName: string, kernelFunc: KernelFunc): void {
  if (!stock.has(kernelName)) stock.set(kernelName, kernelFunc);
}

/** The wasm backend's own kernel, also where ./index.ts has put ours in its place. */
export function stockKernel(kernelName: string): KernelFunc {
  const kept = stock.get(kernelName) ?? getKernel(kernelName, 'wasm')?.kernelFunc;
  if (kept === undefined) throw new Error(`wasm kernel ${kernelName} is not registered`);
  return kept;
}

export function transpose(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return callWasmKernel('Transpose', backend, { x }, { perm });
}

export function reverse(backend: BackendWasm, x: TensorInfo, dims: number[]): TensorInfo {
  return callWasmKernel('Reverse', backend, { x }, { dims });
}

export function reshape(backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo {
  return callWasmKernel('Reshape', backend, { x }, { shape });
}

/** Untransposed (batched) matrix product: XNNPACK's fast path. */
export function matMul(backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo {
  return callWasmKernel('BatchMatMul', backend, { a, b }, { transposeA: false, transposeB: false });
}

export function slice(backend: BackendWasm, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  return callWasmKernel('Slice', backend, { x }, { begin, size });
}

/** Pads per side, NHWC: [[top, bottom], [left, right]]. All must be >= 0. */
export type SpatialPadding = [[number, number], [number, number]];

/** XNNPACK convolution (the stock kernel, never ./conv2d.ts's), stride 1, with explicit padding and the given dilation. */
export function conv2dExplicit(
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  padding: SpatialPadding,
  dilations: [number, number],
): TensorInfo {
  const pad = [[0, 0], padding[0], padding[1], [0, 0]] as unknown as NamedAttrMap[string];
  const attrs = { strides: [1, 1], pad, dataFormat: 'NHWC', dilations, dimRoundingMode: undefined as unknown as string };
  return stockKernel('Conv2D')({ inputs: { x, filter }, backend, attrs }) as TensorInfo;
}

export function free(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}
