// SGD with momentum and Adam with PyTorch's update rules, holding state per parameter name so
// that freezing (a parameter simply gets no gradient), `reset` (clear one parameter's state)
// and checkpoints (state as plain arrays) are exact.
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerSpec } from '../../compiler/plan.js';

/** One parameter's optimiser state as plain data (for checkpoints). */
export interface SavedSlot {
  step: number;
  /** SGD: `buf` (momentum buffer); Adam: `m`, `v`. */
  tensors: Record<string, { shape: number[]; values: Float32Array }>;
}

interface Slot {
  step: number;
  tensors: Map<string, tf.Variable>;
}

export class Optimizer {
  private readonly slots = new Map<string, Slot>();

  constructor(readonly spec: OptimizerSpec) {}

  /** Applies one update to each parameter that has a gradient; others are untouched. */
  apply(params: Map<string, tf.Variable>, grads: Record<string, tf.Tensor>, lr: number): void {
    for (const [name, grad] of Object.entries(grads)) {
      const p = params.get(name);
      if (!p) throw new Error(`gradient for unknown parameter ${name}`);
      if (this.spec.kind === 'sgd') this.sgd(name, p, grad, lr, this.spec.momentum);
      else this.adam(name, p, grad, lr, this.spec);
    }
  }

  private slot(name: string): Slot {
    let s = this.slots.get(name);
    if (!s) {
      s = { step: 0, tensors: new Map() };
      this.slots.set(name, s);
    }
    return s;
  }

  // torch.optim.SGD: buf = g on the first step, then buf = m*buf + g; p -= lr*buf.
  private sgd(name: string, p: tf.Variable, g: tf.Tensor, lr: number, momentum: number): void {
    const s = this.slot(name);
    s.step++;
    if (momentum === 0) {
      tf.tidy(() => p.assign(tf.sub(p, tf.mul(g, lr))));
      return;
    }
    const buf = s.tensors.get('buf');
    if (!buf) {
      s.tensors.set('buf', tf.tidy(() => tf.variable(tf.clone(g), false)));
    } else {
      tf.tidy(() => buf.assign(tf.add(tf.mul(buf, momentum), g)));
    }
    const b = s.tensors.get('buf')!;
    tf.tidy(() => p.assign(tf.sub(p, tf.mul(b, lr))));
  }

  // torch.optim.Adam (no weight decay, no amsgrad): bias-corrected moments, eps added after sqrt.
  private adam(name: string, p: tf.Variable, g: tf.Tensor, lr: number, spec: Extract<OptimizerSpec, { kind: 'adam' }>): void {
    const s = this.slot(name);
    s.step++;
    if (!s.tensors.has('m')) {
      s.tensors.set('m', tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
      s.tensors.set('v', tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
    }
    const m = s.tensors.get('m')!;
    const v = s.tensors.get('v')!;
    const { beta1, beta2, epsilon } = spec;
    const c1 = 1 - Math.pow(beta1, s.step);
    const c2 = 1 - Math.pow(beta2, s.step);
    tf.tidy(() => {
      m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
      v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
      const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(c2)), epsilon);
      p.assign(tf.sub(p, tf.mul(tf.div(m, denom), lr / c1)));
    });
  }

  /** Forgets a parameter's state (after `reset`), so its next update starts afresh. */
  clear(name: string): void {
    const s = this.slots.get(name);
    if (!s) return;
    for (const t of s.tensors.values()) t.dispose();
    this.slots.delete(name);
  }

  /** Frees every state tensor. */
  dispose(): void {
    for (const name of [...this.slots.keys()]) this.clear(name);
  }

  /** The state as plain arrays, keyed by parameter name. */
  save(): Record<string, SavedSlot> {
    const out: Record<string, SavedSlot> = {};
    for (const [name, s] of this.slots) {
      const tensors: SavedSlot['tensors'] = {};
      for (const [key, t] of s.tensors) tensors[key] = { shape: t.shape.slice(), values: (t.dataSync() as Float32Array).slice() };
      out[name] = { step: s.step, tensors };
    }
    return out;
  }

  /** Replaces the state with a saved one. */
  restore(saved: Record<string, SavedSlot>): void {
    this.dispose();
    for (const [name, slot] of Object.entries(saved)) {
      const tensors = new Map<string, tf.Variable>();
      for (const [key, t] of Object.entries(slot.tensors)) tensors.set(key, tf.tidy(() => tf.variable(tf.tensor(t.values, t.shape, 'float32'), false)));
      this.slots.set(name, { step: slot.step, tensors });
    }
  }
}
