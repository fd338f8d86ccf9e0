// Picks and initialises the TensorFlow.js backend a run trains on.
// `auto` tries the fastest first: webgpu (Dawn, only on a hardware GPU adapter), tfjs-node-gpu
// (CUDA), tfjs-node, wasm, cpu. The GPU and native ones are optionalDependencies loaded by dynamic
// import, so an install without them still works.
import * as tf from '@tensorflow/tfjs-core';
import { BackendError, summary, type BackendProblem } from './errors.js';
import { registerTrainingGradients } from './gradients.js';
import { registerWasmTrainingKernels } from './wasm-kernels/index.js';
import { activateWebgpu } from './webgpu.js';
import { BACKEND_NAMES, type BackendChoice, type BackendName } from './choices.js';

export { BACKEND_CHOICES, type BackendChoice, type BackendName } from './choices.js';

export interface ActiveBackend {
  /** What the run records and shows: `webgpu`, `tensorflow-gpu`, `tensorflow`, `wasm` or `cpu`. */
  name: BackendName;
  /** One line each: why a better backend was skipped under `auto`. */
  notices: string[];
}

/** The npm package each backend needs; `webgpu` names its own two in its BackendProblem. */
export const BACKEND_PACKAGE: Record<Exclude<BackendName, 'webgpu'>, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/** The tfjs backend registry name for each mfx backend name. */
const TF_NAME: Record<BackendName, string> = {
  webgpu: 'webgpu',
  'tensorflow-gpu': 'tensorflow',
  tensorflow: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

async function loadBackend(name: BackendName): Promise<void> {
  switch (name) {
    case 'webgpu':
      await activateWebgpu(); // throws BackendError with the missing piece
      return;
    case 'tensorflow-gpu':
    case 'tensorflow':
      await import(BACKEND_PACKAGE[name]);
      break;
    case 'wasm':
      await import('@tensorflow/tfjs-backend-wasm');
      break;
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      break;
    default: {
      const never: never = name;
      throw new Error(`unknown backend ${String(never)}`);
    }
  }
  const ok = await tf.setBackend(TF_NAME[name]);
  if (!ok) throw new Error(`tf.setBackend('${TF_NAME[name]}') failed`);
  await tf.ready();
  // The wasm kernel overrides are for wasm only: registerKernel is per backend name.
  if (name === 'wasm') await addWasmTrainingKernels();
}

/** The stock wasm backend cannot train convolutions; runtime/backend/wasm-kernels supplies the missing kernels. */
async function addWasmTrainingKernels(): Promise<void> {
  registerWasmTrainingKernels();
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') === undefined) {
    throw new Error('the wasm backend lacks the Conv2DBackpropFilter kernel needed for training');
  }
}

function isMissingPackage(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/** What went wrong loading `name`, as data. */
export function problemOf(name: BackendName, err: unknown): BackendProblem {
  if (err instanceof BackendError) return err.problem;
  if (isMissingPackage(err) && name !== 'webgpu') return { kind: 'package-missing', packages: [BACKEND_PACKAGE[name]] };
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'load-failed', detail: message.split('\n')[0].slice(0, 200) };
}

/** Tries one backend: null when it is now the active one, else why not. */
export async function tryBackend(name: BackendName): Promise<BackendProblem | null> {
  try {
    await loadBackend(name);
    return null;
  } catch (err) {
    return problemOf(name, err);
  }
}

let active: ActiveBackend | null = null;

/**
 * Makes the requested backend the active tfjs backend and registers the training gradients.
 * An explicit choice that cannot load is a BackendError carrying the problem; `auto` falls
 * back and says why in `notices`. Later calls with the same choice reuse the first result.
 */
export async function initBackend(choice: BackendChoice): Promise<ActiveBackend> {
  tf.enableProdMode(); // no debug checks, and no "install tfjs-node" banner on stdout
  await registerTrainingGradients();
  if (active && (choice === 'auto' || choice === active.name)) return active;
  if (choice !== 'auto') {
    const problem = await tryBackend(choice);
    if (problem) throw new BackendError(problem, choice);
    active = { name: choice, notices: [] };
    return active;
  }
  const notices: string[] = [];
  for (const name of BACKEND_NAMES) {
    const problem = await tryBackend(name);
    if (!problem) {
      active = { name, notices };
      return active;
    }
    // A missing optional native package is the normal case, not worth a notice; a GPU that
    // webgpu cannot use is worth one line, so a user knows why training is not on the GPU.
    const quiet = problem.kind === 'package-missing' && name !== 'webgpu';
    if (!quiet) notices.push(`backend ${name} not used (${summary(problem)}); see \`mfx backends\``);
  }
  throw new BackendError({ kind: 'none-loaded' }, 'auto');
}
