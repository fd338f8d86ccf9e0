// Picks and initialises the TensorFlow.js backend a run trains on.
// `auto` tries the fastest first: tfjs-node-gpu (CUDA), tfjs-node, wasm, cpu. The native ones are
// optionalDependencies loaded by dynamic import, so an install without them still works.
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from './errors.js';
import { registerTrainingGradients } from './gradients.js';
import { registerWasmTrainingKernels } from './wasm-kernels/index.js';
import type { BackendChoice, BackendName } from './choices.js';

export { BACKEND_CHOICES, type BackendChoice, type BackendName } from './choices.js';

export interface ActiveBackend {
  /** What the run records and shows: `tensorflow-gpu`, `tensorflow`, `wasm` or `cpu`. */
  name: BackendName;
  /** One line each: why a better backend was skipped under `auto`. */
  notices: string[];
}

const INSTALL_HINT: Record<BackendName, string> = {
  'tensorflow-gpu': 'npm install @tensorflow/tfjs-node-gpu (needs CUDA and internet access during install)',
  tensorflow: 'npm install @tensorflow/tfjs-node (needs internet access during install)',
  wasm: 'npm install @tensorflow/tfjs-backend-wasm',
  cpu: 'npm install @tensorflow/tfjs-backend-cpu',
};

/** The tfjs backend registry name for each mfx backend name. */
const TF_NAME: Record<BackendName, string> = {
  'tensorflow-gpu': 'tensorflow',
  tensorflow: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

// Specifiers in variables so TypeScript does not require the optional packages to be installed.
const NODE_GPU_PACKAGE = '@tensorflow/tfjs-node-gpu';
const NODE_PACKAGE = '@tensorflow/tfjs-node';

async function loadBackend(name: BackendName): Promise<void> {
  switch (name) {
    case 'tensorflow-gpu':
      await import(NODE_GPU_PACKAGE);
      break;
    case 'tensorflow':
      await import(NODE_PACKAGE);
      break;
    case 'wasm':
      await import('@tensorflow/tfjs-backend-wasm');
      break;
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      break;
  }
  const ok = await tf.setBackend(TF_NAME[name]);
  if (!ok) throw new Error(`tf.setBackend('${TF_NAME[name]}') failed`);
  await tf.ready();
  if (name === 'wasm') await addWasmTrainingKernels();
}

/** The stock wasm backend cannot train convolutions; runtime/backend/wasm-kernels supplies the missing kernels. */
async function addWasmTrainingKernels(): Promise<void> {
  registerWasmTrainingKernels();
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') === undefined) {
    throw new Error('the wasm backend lacks the Conv2DBackpropFilter kernel needed for training');
  }
}

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0].slice(0, 200);
}

function isMissingPackage(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

let active: ActiveBackend | null = null;

/**
 * Makes the requested backend the active tfjs backend and registers the training gradients.
 * An explicit choice that cannot load is a BackendError naming the install command; `auto` falls
 * back and says why in `notices`. Later calls with the same choice reuse the first result.
 */
export async function initBackend(choice: BackendChoice): Promise<ActiveBackend> {
  tf.enableProdMode(); // no debug checks, and no "install tfjs-node" banner on stdout
  await registerTrainingGradients();
  if (active && (choice === 'auto' || choice === active.name)) return active;
  if (choice !== 'auto') {
    try {
      await loadBackend(choice);
    } catch (err) {
      const why = isMissingPackage(err) ? 'its package is not installed' : describe(err);
      throw new BackendError(
        `The ${choice} backend is not available: ${why}. Install it with \`${INSTALL_HINT[choice]}\`, or choose another with --backend auto|wasm|cpu.`,
        choice,
      );
    }
    active = { name: choice, notices: [] };
    return active;
  }
  const notices: string[] = [];
  const order: BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
  for (const name of order) {
    try {
      await loadBackend(name);
      active = { name, notices };
      return active;
    } catch (err) {
      // A missing optional native package is the normal case, not worth a notice.
      if (!isMissingPackage(err)) notices.push(`backend ${name} could not be used (${describe(err)}); trying the next one`);
    }
  }
  throw new BackendError('No TensorFlow.js backend could be loaded. Reinstall mfx\'s dependencies (`npm install`).', 'auto');
}
