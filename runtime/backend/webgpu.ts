// The webgpu backend: Google's Dawn (npm `webgpu`, a Node-API addon with the binary inside) gives
// Node a WebGPU, and @tensorflow/tfjs-backend-webgpu runs TensorFlow.js kernels on it. Both are
// optionalDependencies, loaded by dynamic import.
//
// mfx asks Dawn for the adapter and device itself instead of letting tfjs-backend-webgpu do it:
// that package registers its backend only if `globalThis.navigator.gpu` exists when it is
// imported, asks for the device with `requiredFeatures` as a nested array (tfjs 4.22), and a
// `navigator.gpu` left in place keeps the process from exiting. Here `navigator.gpu` exists only
// while the backend object is constructed.
//
// Only a hardware adapter is used: a CPU renderer behind WebGPU (llvmpipe, lavapipe, SwiftShader)
// is slower than the wasm backend. MFX_WEBGPU_ALLOW_SOFTWARE=1 is for tests only: it selects
// Dawn's OpenGL backend over Mesa's software renderer (EGL surfaceless, compatibility feature
// level), so the webgpu kernels can be checked on a machine with no GPU.
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { BackendError, type BackendProblem } from './errors.js';
import { inspectGpuSystem, type GpuSystem } from './gpu-system.js';

export const ALLOW_SOFTWARE_ENV = 'MFX_WEBGPU_ALLOW_SOFTWARE';

// Specifiers in variables so TypeScript does not require the optional packages to be installed.
const DAWN_PACKAGE = 'webgpu';
const TFJS_WEBGPU_PACKAGE = '@tensorflow/tfjs-backend-webgpu';

/** The adapter Dawn would train on, for `mfx backends` and the run header. */
export interface GpuAdapterFacts {
  /** The GPU's name as the driver reports it. */
  name: string;
  vendor: string;
  /** Driver / API details the adapter reports (e.g. "OpenGL version 4.5 (Core Profile) Mesa 22.3.6"). */
  description: string;
  /** The graphics API Dawn drives it through. */
  api: 'vulkan' | 'opengl' | 'metal-or-d3d12';
  software: boolean;
}

// The few WebGPU types used here, so that mfx compiles without the optional package's types.
interface GpuLimits {
  [name: string]: number;
}
interface GpuAdapter {
  readonly info: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter?: boolean };
  readonly limits: GpuLimits;
  readonly isFallbackAdapter?: boolean;
  requestDevice(descriptor: { requiredFeatures: string[]; requiredLimits: Record<string, number> }): Promise<GpuDevice>;
}
interface GpuDevice {
  destroy(): void;
}
interface Gpu {
  requestAdapter(options: Record<string, string>): Promise<GpuAdapter | null>;
}
interface Dawn {
  create(options: string[]): Gpu;
  globals: object;
}
interface TfjsWebgpu {
  WebGPUBackend: new (device: GpuDevice, adapterInfo: GpuAdapter['info']) => tf.KernelBackend;
}

export type AdapterSearch = { ok: true; facts: GpuAdapterFacts; adapter: GpuAdapter; gpu: Gpu } | { ok: false; problem: BackendProblem; system: GpuSystem };

const SOFTWARE_RENDERER = /llvmpipe|lavapipe|softpipe|swiftshader|software rasterizer|basic render driver/i;

export function softwareAllowed(env: NodeJS.ProcessEnv): boolean {
  return env[ALLOW_SOFTWARE_ENV] === '1';
}

function missingPackages(): string[] {
  const require = createRequire(import.meta.url);
  return [DAWN_PACKAGE, TFJS_WEBGPU_PACKAGE].filter((name) => {
    try {
      require.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
}

function describeError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0].slice(0, 200);
}

/** Finds the adapter webgpu would use, or says why there is none. Creates no device. */
export async function findAdapter(env: NodeJS.ProcessEnv = process.env): Promise<AdapterSearch> {
  const allowSoftware = softwareAllowed(env);
  const system = inspectGpuSystem(env);
  const fail = (problem: BackendProblem): AdapterSearch => ({ ok: false, problem, system });
  const missing = missingPackages();
  if (missing.length > 0) return fail({ kind: 'package-missing', packages: missing });
  // Dawn reaches a Linux GPU through Vulkan: without the loader there is nothing to ask.
  if (!allowSoftware && system.checked && system.vulkanLoader === null) return fail({ kind: 'no-vulkan-loader', nvidiaDriver: system.nvidiaDriver });
  let gpu: Gpu;
  let adapter: GpuAdapter | null;
  try {
    const dawn = (await import(DAWN_PACKAGE)) as Dawn;
    if (allowSoftware) {
      // Mesa's EGL with no display: read when Dawn first opens EGL, so set before create().
      process.env.EGL_PLATFORM ??= 'surfaceless';
      gpu = dawn.create(['backend=opengl']);
      adapter = await gpu.requestAdapter({ featureLevel: 'compatibility' });
    } else {
      gpu = dawn.create([]);
      adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    }
  } catch (err) {
    return fail({ kind: 'load-failed', detail: describeError(err) });
  }
  if (!adapter) {
    if (system.checked && system.icdFiles.length === 0 && !allowSoftware) return fail({ kind: 'no-gpu-driver', nvidiaDriver: system.nvidiaDriver });
    return fail({ kind: 'no-adapter', icdFiles: system.icdFiles, nvidiaDriver: system.nvidiaDriver });
  }
  const info = adapter.info;
  const name = info.device || info.description || info.vendor || 'unnamed adapter';
  const software = Boolean(adapter.isFallbackAdapter ?? info.isFallbackAdapter) || SOFTWARE_RENDERER.test(`${info.device} ${info.description}`);
  const facts: GpuAdapterFacts = {
    name,
    vendor: info.vendor,
    description: info.description,
    api: allowSoftware ? 'opengl' : process.platform === 'linux' ? 'vulkan' : 'metal-or-d3d12',
    software,
  };
  if (software && !allowSoftware) return fail({ kind: 'software-adapter', adapter: name });
  return { ok: true, facts, adapter, gpu };
}

// The device limits tfjs-backend-webgpu asks for (its own registration does the same).
const LIMITS = ['maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup'];

/** Runs `make` with `navigator.gpu` set, which WebGPUBackend's constructor checks for, then removes it. */
function withNavigatorGpu<T>(gpu: Gpu, make: () => T): T {
  const g = globalThis as { navigator?: object };
  const hadNavigator = g.navigator !== undefined;
  if (!hadNavigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  Object.defineProperty(g.navigator!, 'gpu', { value: gpu, configurable: true });
  try {
    return make();
  } finally {
    delete (g.navigator as { gpu?: unknown }).gpu;
    if (!hadNavigator) delete g.navigator;
  }
}

let activeFacts: GpuAdapterFacts | null = null;

/** Makes webgpu the active tfjs backend, or throws a BackendError saying what is missing. */
export async function activateWebgpu(env: NodeJS.ProcessEnv = process.env): Promise<GpuAdapterFacts> {
  if (activeFacts && tf.findBackend('webgpu')) {
    await tf.setBackend('webgpu');
    return activeFacts;
  }
  const found = await findAdapter(env);
  if (!found.ok) throw new BackendError(found.problem, 'webgpu');
  try {
    const dawn = (await import(DAWN_PACKAGE)) as Dawn;
    Object.assign(globalThis, dawn.globals); // GPUBufferUsage, GPUMapMode, ... which the kernels use
    const requiredLimits: Record<string, number> = {};
    for (const name of LIMITS) requiredLimits[name] = found.adapter.limits[name];
    const device = await found.adapter.requestDevice({ requiredFeatures: [], requiredLimits });
    // Imported without navigator.gpu, the package registers its kernels but not its own backend factory.
    const { WebGPUBackend } = (await import(TFJS_WEBGPU_PACKAGE)) as TfjsWebgpu;
    tf.registerBackend('webgpu', () => withNavigatorGpu(found.gpu, () => new WebGPUBackend(device, found.adapter.info)));
    if (!(await tf.setBackend('webgpu'))) throw new Error("tf.setBackend('webgpu') failed");
    await tf.ready();
  } catch (err) {
    throw new BackendError({ kind: 'load-failed', detail: describeError(err) }, 'webgpu');
  }
  activeFacts = found.facts;
  return found.facts;
}
