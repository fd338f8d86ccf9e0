// Every backend, whether it loads on this machine, why not, and the device it would use: the
// data behind `mfx backends`. Each backend is really initialised (webgpu: adapter and device),
// so "loads" means what `--backend NAME` would find.
import { BACKEND_NAMES, type BackendName } from './choices.js';
import type { BackendProblem } from './errors.js';
import { problemOf, tryBackend } from './select.js';
import { inspectGpuSystem, type GpuSystem } from './gpu-system.js';
import { activateWebgpu, softwareAllowed, type GpuAdapterFacts } from './webgpu.js';

export interface BackendStatus {
  name: BackendName;
  /** Null when it loads here. */
  problem: BackendProblem | null;
  /** What it computes on when it loads (webgpu: the adapter). */
  device: string | null;
  adapter: GpuAdapterFacts | null;
}

export interface BackendInventory {
  backends: BackendStatus[];
  /** The backend `--backend auto` would choose: the first that loads. */
  auto: BackendName | null;
  system: GpuSystem;
  /** MFX_WEBGPU_ALLOW_SOFTWARE=1 (test only) is set. */
  softwareAllowed: boolean;
}

const DEVICE: Record<Exclude<BackendName, 'webgpu'>, string> = {
  'tensorflow-gpu': 'CUDA GPU through libtensorflow 2.9.1 (CUDA 11.2, cuDNN 8.1)',
  tensorflow: 'CPU through libtensorflow 2.9.1',
  wasm: 'CPU through WebAssembly (SIMD, one thread per core)',
  cpu: 'CPU in plain JavaScript',
};

function adapterText(a: GpuAdapterFacts): string {
  const api = a.api === 'metal-or-d3d12' ? 'Metal/Direct3D 12' : a.api === 'vulkan' ? 'Vulkan' : 'OpenGL';
  const parts = [a.name, a.vendor && a.vendor !== a.name ? a.vendor : '', a.description && a.description !== a.name ? a.description : ''].filter((p) => p.length > 0);
  return `${parts.join(', ')} via Dawn on ${api}${a.software ? ' (software renderer)' : ''}`;
}

async function statusOf(name: BackendName, env: NodeJS.ProcessEnv): Promise<BackendStatus> {
  if (name === 'webgpu') {
    try {
      const facts = await activateWebgpu(env); // the device too, as a run would create it
      return { name, problem: null, device: adapterText(facts), adapter: facts };
    } catch (err) {
      return { name, problem: problemOf(name, err), device: null, adapter: null };
    }
  }
  const problem = await tryBackend(name);
  return { name, problem, device: problem ? null : DEVICE[name], adapter: null };
}

export async function inventoryBackends(env: NodeJS.ProcessEnv = process.env): Promise<BackendInventory> {
  const backends: BackendStatus[] = [];
  for (const name of BACKEND_NAMES) backends.push(await statusOf(name, env));
  return {
    backends,
    auto: backends.find((b) => b.problem === null)?.name ?? null,
    system: inspectGpuSystem(env),
    softwareAllowed: softwareAllowed(env),
  };
}
