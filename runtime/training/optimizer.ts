// SGD with momentum and Adam with PyTorch's update rules, holding state per parameter name so
// that freezing (a parameter simply gets no gradient), `reset` (clear one parameter's state)
// and checkpoints (state as plain arrays) are exact.
//
// The update runs in JavaScript on Float32Arrays, one pass per parameter, instead of four to
// ten tfjs kernels per parameter (each a dispatch and an allocation: a tenth of a reference-net
// training step on wasm). Every operation is rounded to float32 (Math.fround) in the order
// the tensor formulation computes it, and double-precision +, -, *, / and sqrt of float32
// operands rounded once to float32 equal the float32 operation, so the result is bit for bit
// what the tfjs kernels gave (test/runtime/optimizer.test.ts compares against them).
// On webgpu the update runs as those kernels on the device instead (device-update.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerSpec } from '../../compiler/plan.js';
import { readsAreAsyncOnly, settle } from '../backend/readback.js';
import { deviceUpdate, disposeState, downloadState, uploadState, type DeviceState } from './device-update.js';

/** One parameter's optimiser state as plain data (for checkpoints). */
export interface SavedSlot {
  step: number;
  /** SGD: `buf` (momentum buffer); Adam: `m`, `v`. */
  tensors: Record<string, { shape: number[]; values: Float32Array }>;
}

interface Slot {
  step: number;
  shape: number[];
  /** Host state (JavaScript update, and after `restore`)... */
  state: Map<string, Float32Array>;
  /** ...or device state (webgpu); one of the two is empty. */
  device: DeviceState;
}

const f32 = Math.fround;

export class Optimizer {
  private readonly slots = new Map<string, Slot>();

  constructor(readonly spec: OptimizerSpec) {}

  /**
   * Applies one update to each parameter that has a gradient; others are untouched. A parameter
   * named in `rates` (`lr X for SEL`) steps with its own rate, every other one with `lr`, as
   * PyTorch's parameter groups do; the state stays per parameter whatever its rate.
   */
  apply(params: Map<string, tf.Variable>, grads: Record<string, tf.Tensor>, lr: number, rates?: Readonly<Record<string, number>>): void {
    const onDevice = this.runsOnDevice();
    for (const [name, grad] of Object.entries(grads)) {
      const p = params.get(name);
      if (!p) throw new Error(`gradient for unknown parameter ${name}`);
      if (onDevice) {
        const slot = this.slot(name, p.shape);
        slot.step++;
        uploadState(slot.state, slot.shape, slot.device);
        deviceUpdate(this.spec, slot.device, p, grad, rates?.[name] ?? lr, slot.step);
        continue;
      }
      const values = p.dataSync() as Float32Array;
      const g = grad.dataSync() as Float32Array;
      if (g.length !== values.length) throw new Error(`gradient for ${name} has ${g.length} values, the parameter ${values.length}`);
      const slot = this.slot(name, p.shape);
      slot.step++;
      downloadState(slot.device, slot.state);
      const next = new Float32Array(values.length);
      const rate = rates?.[name] ?? lr;
      if (this.spec.kind === 'sgd') sgd(slot, values, g, next, rate, this.spec.momentum);
      else adam(slot, values, g, next, rate, this.spec);
      tf.tidy(() => p.assign(tf.tensor(next, p.shape, 'float32')));
    }
  }

  /** True where `apply` runs as kernels on the device and reads nothing back (webgpu). */
  runsOnDevice(): boolean {
    return readsAreAsyncOnly();
  }

  /** Makes `save` possible on webgpu: one asynchronous read of the device state. */
  async settle(): Promise<void> {
    await settle([...this.slots.values()].flatMap((s) => [...s.device.values()]));
  }

  private slot(name: string, shape: number[]): Slot {
    let s = this.slots.get(name);
    if (!s) {
      s = { step: 0, shape: shape.slice(), state: new Map(), device: new Map() };
      this.slots.set(name, s);
    }
    return s;
  }

  /** Forgets a parameter's state (after `reset`), so its next update starts afresh. */
  clear(name: string): void {
    const s = this.slots.get(name);
    if (s) disposeState(s.device);
    this.slots.delete(name);
  }

  /** Forgets every parameter's state. */
  dispose(): void {
    for (const s of this.slots.values()) disposeState(s.device);
    this.slots.clear();
  }

  /** The state as plain arrays (copies), keyed by parameter name. */
  save(): Record<string, SavedSlot> {
    const out: Record<string, SavedSlot> = {};
    for (const [name, s] of this.slots) {
      const tensors: SavedSlot['tensors'] = {};
      for (const [key, values] of s.state) tensors[key] = { shape: s.shape.slice(), values: values.slice() };
      for (const [key, v] of s.device) tensors[key] = { shape: s.shape.slice(), values: Float32Array.from(v.dataSync() as Float32Array) };
      out[name] = { step: s.step, tensors };
    }
    return out;
  }

  /** Replaces the state with a saved one. */
  restore(saved: Record<string, SavedSlot>): void {
    this.dispose();
    for (const [name, slot] of Object.entries(saved)) {
      const state = new Map<string, Float32Array>();
      let shape: number[] = [];
      for (const [key, t] of Object.entries(slot.tensors)) {
        state.set(key, Float32Array.from(t.values));
        shape = t.shape.slice();
      }
      this.slots.set(name, { step: slot.step, shape, state, device: new Map() });
    }
  }
}

// torch.optim.SGD: buf = g on the first step, then buf = m*buf + g; p -= lr*buf.
function sgd(slot: Slot, p: Float32Array, g: Float32Array, next: Float32Array, lr: number, momentum: number): void {
  const rate = f32(lr);
  if (momentum === 0) {
    for (let i = 0; i < p.length; i++) next[i] = f32(p[i] - f32(g[i] * rate));
    return;
  }
  const m = f32(momentum);
  let buf = slot.state.get('buf');
  if (!buf) {
    buf = Float32Array.from(g);
    slot.state.set('buf', buf);
  } else {
    for (let i = 0; i < buf.length; i++) buf[i] = f32(f32(buf[i] * m) + g[i]);
  }
  for (let i = 0; i < p.length; i++) next[i] = f32(p[i] - f32(buf[i] * rate));
}

// torch.optim.Adam (no weight decay, no amsgrad): bias-corrected moments, eps added after sqrt.
function adam(slot: Slot, p: Float32Array, g: Float32Array, next: Float32Array, lr: number, spec: Extract<OptimizerSpec, { kind: 'adam' }>): void {
  let m = slot.state.get('m');
  let v = slot.state.get('v');
  if (!m || !v) {
    m = new Float32Array(p.length);
    v = new Float32Array(p.length);
    slot.state.set('m', m);
    slot.state.set('v', v);
  }
  const { beta1, beta2, epsilon } = spec;
  const c1 = 1 - Math.pow(beta1, slot.step);
  const c2 = 1 - Math.pow(beta2, slot.step);
  const b1 = f32(beta1);
  const b2 = f32(beta2);
  const k1 = f32(1 - beta1);
  const k2 = f32(1 - beta2);
  const sqrtC2 = f32(Math.sqrt(c2));
  const eps = f32(epsilon);
  const step = f32(lr / c1);
  for (let i = 0; i < p.length; i++) {
    m[i] = f32(f32(m[i] * b1) + f32(g[i] * k1));
    v[i] = f32(f32(v[i] * b2) + f32(f32(g[i] * g[i]) * k2));
    const denom = f32(f32(f32(Math.sqrt(v[i])) / sqrtC2) + eps);
    next[i] = f32(p[i] - f32(f32(m[i] / denom) * step));
  }
}
