// Sets up the process (or worker thread) for training on wasm: our kernels + the gradients.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../runtime/backend/wasm-kernels/index.js';
import { registerTrainingGradients } from '../runtime/backend/gradients.js';

export interface WasmSetupOptions {
  /** Keep the stock wasm Conv2DBackpropInput/MaxPoolGrad (only add Conv2DBackpropFilter): for comparisons. */
  stockKernels?: boolean;
}

export async function initWasmTraining(opts: WasmSetupOptions = {}): Promise<void> {
  await registerTrainingGradients();
  if (opts.stockKernels) {
    const { conv2dBackpropFilterConfig } = await import('../runtime/backend/wasm-kernels/conv2d-backprop-filter.js');
    if (tf.getKernel('Conv2DBackpropFilter', 'wasm') === undefined) tf.registerKernel(conv2dBackpropFilterConfig);
  } else {
    registerWasmTrainingKernels();
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
  await tf.ready();
}
