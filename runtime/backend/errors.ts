// Why a backend cannot be used, as data: cli/format/backend-problem.ts words it with a remedy.
// `summary` is the short form (one clause, no remedy) that `auto`'s fallback notices use.

/** What stands between a backend and this machine. */
export type BackendProblem =
  /** An optional npm package is not installed (or not for this platform). */
  | { kind: 'package-missing'; packages: string[] }
  /** The package is there but loading or initialising it failed. */
  | { kind: 'load-failed'; detail: string }
  /** Linux: Dawn reaches GPUs through Vulkan, and libvulkan.so.1 is nowhere to be found. */
  | { kind: 'no-vulkan-loader'; nvidiaDriver: string | null }
  /** The Vulkan loader is there but no driver registered with it (no ICD file). */
  | { kind: 'no-gpu-driver'; nvidiaDriver: string | null }
  /** Drivers are registered, yet Dawn was given no adapter. */
  | { kind: 'no-adapter'; icdFiles: string[]; nvidiaDriver: string | null }
  /** The only adapter is a CPU renderer (llvmpipe, lavapipe, SwiftShader): slower than wasm. */
  | { kind: 'software-adapter'; adapter: string }
  /** `auto` found nothing at all. */
  | { kind: 'none-loaded' };

export function summary(problem: BackendProblem): string {
  switch (problem.kind) {
    case 'package-missing':
      return `${problem.packages.join(' and ')} ${problem.packages.length === 1 ? 'is' : 'are'} not installed`;
    case 'load-failed':
      return problem.detail;
    case 'no-vulkan-loader':
      return 'no Vulkan loader (libvulkan.so.1) is installed';
    case 'no-gpu-driver':
      return problem.nvidiaDriver ? 'the NVIDIA driver registered no Vulkan driver (ICD) file' : 'no GPU driver with Vulkan support is installed';
    case 'no-adapter':
      return 'Dawn found no GPU adapter';
    case 'software-adapter':
      return `the only adapter is ${problem.adapter}, a software renderer (slower than wasm)`;
    case 'none-loaded':
      return 'no TensorFlow.js backend could be loaded';
    default: {
      const never: never = problem;
      return never;
    }
  }
}

// Why a requested backend cannot be used. The CLI words `problem` as one paragraph with a remedy.
export class BackendError extends Error {
  constructor(
    readonly problem: BackendProblem,
    readonly backend: string,
  ) {
    super(`the ${backend} backend is not available: ${summary(problem)}`);
    this.name = 'BackendError';
  }
}
