// Words a BackendProblem for the user: what is missing and how to get it.
import { summary, type BackendProblem } from '../../runtime/backend/errors.js';
import type { BackendName } from '../../runtime/backend/choices.js';

const INSTALL: Record<BackendName, { cmd: string; note?: string }> = {
  webgpu: { cmd: 'npm install webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0' },
  'tensorflow-gpu': {
    cmd: 'npm install @tensorflow/tfjs-node-gpu@4.22.0',
    note: 'Linux x64 only; its install downloads libtensorflow 2.9.1, which needs CUDA 11.2 and cuDNN 8.1 and fails on CUDA 12 or later; webgpu is the GPU backend that installs',
  },
  tensorflow: { cmd: 'npm install @tensorflow/tfjs-node@4.22.0', note: 'its install downloads libtensorflow 2.9.1, so it needs internet access' },
  wasm: { cmd: 'npm install @tensorflow/tfjs-backend-wasm@4.22.0' },
  cpu: { cmd: 'npm install @tensorflow/tfjs-backend-cpu@4.22.0' },
};

const OTHERS = 'or choose another with --backend auto|wasm|cpu';

function driverNote(nvidiaDriver: string | null): string {
  return nvidiaDriver ? ` (the NVIDIA kernel driver is loaded: ${nvidiaDriver})` : '';
}

/** The remedy part: one or two sentences a user can act on. */
export function backendRemedy(backend: string, problem: BackendProblem): string {
  switch (problem.kind) {
    case 'package-missing': {
      const install = backend in INSTALL ? INSTALL[backend as BackendName] : { cmd: `npm install ${problem.packages.join(' ')}` };
      return `Install it with \`${install.cmd}\`${install.note ? ` (${install.note})` : ''}, ${OTHERS}.`;
    }
    case 'load-failed':
      return `Check the package installation (\`npm ls\`), ${OTHERS}.`;
    case 'no-vulkan-loader':
      return `Dawn reaches the GPU through Vulkan: install the Vulkan loader (Debian/Ubuntu: \`apt-get install libvulkan1\`; Fedora: \`dnf install vulkan-loader\`), or put a directory holding libvulkan.so.1 on LD_LIBRARY_PATH${driverNote(problem.nvidiaDriver)}; ${OTHERS}.`;
    case 'no-gpu-driver':
      return problem.nvidiaDriver
        ? `The NVIDIA driver is loaded (${problem.nvidiaDriver}) but its Vulkan part is not: install the driver's Vulkan ICD (nvidia_icd.json in /usr/share/vulkan/icd.d or /etc/vulkan/icd.d, with libGLX_nvidia.so.0); in a container, start it with NVIDIA_DRIVER_CAPABILITIES=all (or including "graphics"); ${OTHERS}.`
        : `Install your GPU vendor's driver with Vulkan support (it registers a JSON file in /usr/share/vulkan/icd.d or /etc/vulkan/icd.d); ${OTHERS}.`;
    case 'no-adapter':
      return `Vulkan drivers are registered (${problem.icdFiles.join(', ') || 'none'}) but none offered a GPU${driverNote(problem.nvidiaDriver)}: check that the GPU is visible (\`nvidia-smi\`, \`vulkaninfo --summary\`) and that the driver and its ICD file are the same version; ${OTHERS}.`;
    case 'software-adapter':
      return `Install a GPU driver with Vulkan support to train on the GPU, or use --backend wasm, which is faster than a software renderer.`;
    case 'none-loaded':
      return "Reinstall mfx's dependencies (`npm install`).";
    default: {
      const never: never = problem;
      return never;
    }
  }
}

/** One paragraph: the backend, what is missing, and the remedy. */
export function backendProblemText(backend: string, problem: BackendProblem): string {
  return `The ${backend} backend is not available: ${summary(problem)}. ${backendRemedy(backend, problem)}`;
}
