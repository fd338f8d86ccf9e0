// The optimiser update as tfjs kernels, for backends whose values live on a GPU (webgpu): there,
// the JavaScript update would copy every trained weight and gradient off the device and back
// each step. Same formulas and order as the JavaScript update (PyTorch's rules), in float32 on
// the device; results agree with it to rounding (the webgpu parity test checks 1e-3 relative).
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerSpec } from '../../compiler/plan.js';

/** One parameter's state on the device, keyed like the host state (`buf`; `m`, `v`). */
export type DeviceState = Map<string, tf.Variable>;

/** Moves host state (from `restore`) onto the device; the host arrays are then dropped. */
export function uploadState(host: Map<string, Float32Array>, shape: number[], device: DeviceState): void {
  for (const [key, values] of host) device.set(key, tf.variable(tf.tensor(values, shape, 'float32'), false));
  host.clear();
}

/** Brings device state back to the host (a backend switch between updates; values must be settled). */
export function downloadState(device: DeviceState, host: Map<string, Float32Array>): void {
  for (const [key, v] of device) host.set(key, Float32Array.from(v.dataSync() as Float32Array));
  disposeState(device);
}

export function disposeState(device: DeviceState): void {
  for (const v of device.values()) v.dispose();
  device.clear();
}

/** Applies one update to `p` (`step` counts from 1, after this update). */
export function deviceUpdate(spec: OptimizerSpec, device: DeviceState, p: tf.Variable, g: tf.Tensor, lr: number, step: number): void {
  tf.tidy(() => {
    if (spec.kind === 'sgd') {
      if (spec.momentum === 0) {
        p.assign(tf.sub(p, tf.mul(g, lr)));
        return;
      }
      const buf = device.get('buf');
      if (!buf) device.set('buf', tf.variable(tf.clone(g), false));
      else buf.assign(tf.add(tf.mul(buf, spec.momentum), g));
      p.assign(tf.sub(p, tf.mul(device.get('buf')!, lr)));
      return;
    }
    if (!device.has('m')) {
      device.set('m', tf.variable(tf.zerosLike(p), false));
      device.set('v', tf.variable(tf.zerosLike(p), false));
    }
    const m = device.get('m')!;
    const v = device.get('v')!;
    const c1 = 1 - Math.pow(spec.beta1, step);
    const c2 = 1 - Math.pow(spec.beta2, step);
    m.assign(tf.add(tf.mul(m, spec.beta1), tf.mul(g, 1 - spec.beta1)));
    v.assign(tf.add(tf.mul(v, spec.beta2), tf.mul(tf.square(g), 1 - spec.beta2)));
    const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(c2)), spec.epsilon);
    p.assign(tf.sub(p, tf.mul(tf.div(m, denom), lr / c1)));
  });
}
