// Identity, and Cast to the tensor's own dtype, without a copy. The stock wasm kernels copy
// the whole buffer; the cpu and webgl backends share it (one more reference on the same
// data), which tfjs-core's reference counting is built for. Gradients call them a lot: every
// Multiply and relu gradient casts its operands to float32, and a training step of the
// reference net made 34 such copies.
import type { CastAttrs, CastInputs, IdentityInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

function alias(backend: BackendWasm, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

type IdentityArgs = { inputs: IdentityInputs; backend: BackendWasm };
type CastArgs = { inputs: CastInputs; backend: BackendWasm; attrs: CastAttrs };

export function makeIdentityConfig(original: KernelConfig): KernelConfig {
  const stock = original.kernelFunc as unknown as (args: IdentityArgs) => TensorInfo;
  function identity(args: IdentityArgs): TensorInfo {
    const x = args.inputs.x as TensorInfo;
    return x.dtype === 'string' ? stock(args) : alias(args.backend, x);
  }
  return { kernelName: 'Identity', backendName: 'wasm', kernelFunc: identity as unknown as KernelFunc };
}

export function makeCastConfig(original: KernelConfig): KernelConfig {
  const stock = original.kernelFunc as unknown as (args: CastArgs) => TensorInfo;
  function cast(args: CastArgs): TensorInfo {
    const x = args.inputs.x as TensorInfo;
    return x.dtype === args.attrs.dtype && x.dtype !== 'string' ? alias(args.backend, x) : stock(args);
  }
  return { kernelName: 'Cast', backendName: 'wasm', kernelFunc: cast as unknown as KernelFunc };
}
