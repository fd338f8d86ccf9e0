// tfjs-core's Node bundle registers no gradients, and its ESM `register_all_gradients` cannot be
// loaded by Node (directory imports). The individual gradient modules (ES modules under
// tfjs-core/dist/gradients) can, once Node is told how to resolve their imports: they name
// their neighbours without a file extension ('../ops/mul'), which Node's own resolver rejects.
// A resolve hook (registered once per thread, and only consulted after Node's resolver fails
// for a file inside tfjs-core/dist) adds the '.js' or '/index.js'. We load the gradients of the
// ops the models and losses in runtime/model use and register them. Registering twice is harmless.
import { register } from 'node:module';
import { registerGradient, type GradConfig } from '@tensorflow/tfjs-core';

/** [module under @tensorflow/tfjs-core/dist/gradients, its exported GradConfig]. */
const GRADIENTS: [string, string][] = [
  ['Add_grad', 'addGradConfig'],
  ['AddN_grad', 'addNGradConfig'],
  ['BatchMatMul_grad', 'batchMatMulGradConfig'],
  ['Cast_grad', 'castGradConfig'],
  ['ClipByValue_grad', 'clipByValueGradConfig'],
  ['Conv2D_grad', 'conv2DGradConfig'],
  ['Conv2DBackpropInput_grad', 'conv2DBackpropInputGradConfig'],
  ['RealDiv_grad', 'divGradConfig'],
  ['Exp_grad', 'expGradConfig'],
  ['Identity_grad', 'identityGradConfig'],
  ['Log_grad', 'logGradConfig'],
  ['LogSoftmax_grad', 'logSoftmaxGradConfig'],
  ['Max_grad', 'maxGradConfig'],
  ['Maximum_grad', 'maximumGradConfig'],
  ['MaxPool_grad', 'maxPoolGradConfig'],
  ['Mean_grad', 'meanGradConfig'],
  ['Minimum_grad', 'minimumGradConfig'],
  ['Multiply_grad', 'multiplyGradConfig'],
  ['Neg_grad', 'negGradConfig'],
  ['Relu_grad', 'reluGradConfig'],
  ['Relu6_grad', 'relu6GradConfig'],
  ['Reshape_grad', 'reshapeGradConfig'],
  ['Sigmoid_grad', 'sigmoidGradConfig'],
  ['Softmax_grad', 'softmaxGradConfig'],
  ['Square_grad', 'squareGradConfig'],
  ['Sub_grad', 'subGradConfig'],
  ['Sum_grad', 'sumGradConfig'],
  ['Tanh_grad', 'tanhGradConfig'],
  ['Transpose_grad', 'transposeGradConfig'],
];

const RESOLVE_HOOK = `
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    if (!specifier.startsWith('.') || !context.parentURL?.includes('/@tensorflow/tfjs-core/dist/')) throw err;
    try {
      return await next(specifier + '.js', context);
    } catch {
      return next(specifier + '/index.js', context);
    }
  }
}`;

let registered: Promise<void> | null = null;

/** Registers the gradients of every op the runtime differentiates through (once per thread). */
export function registerTrainingGradients(): Promise<void> {
  registered ??= (async () => {
    register(`data:text/javascript,${encodeURIComponent(RESOLVE_HOOK)}`);
    const modules = await Promise.all(GRADIENTS.map(([file]) => import(`@tensorflow/tfjs-core/dist/gradients/${file}.js`)));
    modules.forEach((module, i) => {
      const [file, name] = GRADIENTS[i];
      const config = module[name] as GradConfig | undefined;
      if (!config) throw new Error(`@tensorflow/tfjs-core/dist/gradients/${file}.js has no export ${name}`);
      registerGradient(config);
    });
  })();
  return registered;
}
