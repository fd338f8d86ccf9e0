// The talk's reference net written as plain tfjs-core ops: a stand-in for the mfx runtime
// in the bench (and the thing the kernel profile is taken of) until `mfx run` is plugged in.
//   conv1 5x5 1→10 → maxpool 2 → relu → conv2 5x5 10→20 → dropout2d(.5) → maxpool 2 → relu
//   → flatten 320 → fc1 50 → relu → dropout(.5) → fc2 10 → logSoftmax, NLL loss, SGD momentum.
// The frozen phase (the talk's "hybrid" arms) keeps conv1/conv2 fixed, re-initialises fc1/fc2
// and trains them on inverted features: 1 - relu(x), or 6 - relu6(x).
//
// Op ordering (`fastOrder`): max-pool commutes with a per-channel bias, with relu (monotone)
// and with dropout2d's per-(image, channel) scale (>= 0), so bias, dropout2d and relu are applied
// after the pool, on a 4x smaller tensor. conv1 takes the data as a plain tf.conv2d input, so
// the engine never computes its (unneeded) input gradient.
import * as tf from '@tensorflow/tfjs-core';

export type FeatureMode = 'plain' | 'invert' | 'relu6-invert';

export interface ReferenceNet {
  conv1W: tf.Variable; conv1B: tf.Variable;
  conv2W: tf.Variable; conv2B: tf.Variable;
  fc1W: tf.Variable; fc1B: tf.Variable;
  fc2W: tf.Variable; fc2B: tf.Variable;
}

function uniform(shape: number[], fanIn: number, seed: number, name: string): tf.Variable {
  const bound = 1 / Math.sqrt(fanIn); // PyTorch's default init range for conv/linear
  return tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', seed), true, name);
}

export function createReferenceNet(seed: number): ReferenceNet {
  return {
    conv1W: uniform([5, 5, 1, 10], 25, seed + 1, 'conv1W'),
    conv1B: uniform([10], 25, seed + 2, 'conv1B'),
    conv2W: uniform([5, 5, 10, 20], 250, seed + 3, 'conv2W'),
    conv2B: uniform([20], 250, seed + 4, 'conv2B'),
    fc1W: uniform([320, 50], 320, seed + 5, 'fc1W'),
    fc1B: uniform([50], 320, seed + 6, 'fc1B'),
    fc2W: uniform([50, 10], 50, seed + 7, 'fc2W'),
    fc2B: uniform([10], 50, seed + 8, 'fc2B'),
  };
}

/** Re-initialises the head (fc1, fc2) in place, as the hybrid arms do before the frozen phase. */
export function resetHead(net: ReferenceNet, seed: number): void {
  tf.tidy(() => {
    net.fc1W.assign(tf.randomUniform([320, 50], -1 / Math.sqrt(320), 1 / Math.sqrt(320), 'float32', seed + 11));
    net.fc1B.assign(tf.randomUniform([50], -1 / Math.sqrt(320), 1 / Math.sqrt(320), 'float32', seed + 12));
    net.fc2W.assign(tf.randomUniform([50, 10], -1 / Math.sqrt(50), 1 / Math.sqrt(50), 'float32', seed + 13));
    net.fc2B.assign(tf.randomUniform([10], -1 / Math.sqrt(50), 1 / Math.sqrt(50), 'float32', seed + 14));
  });
}

export function headVariables(net: ReferenceNet): tf.Variable[] {
  return [net.fc1W, net.fc1B, net.fc2W, net.fc2B];
}

export function allVariables(net: ReferenceNet): tf.Variable[] {
  return [net.conv1W, net.conv1B, net.conv2W, net.conv2B, ...headVariables(net)];
}

export interface ForwardOptions {
  training: boolean;
  mode: FeatureMode;
  /** Bias, dropout2d and relu after the pools (default true); false is PyTorch's literal order. */
  fastOrder?: boolean;
}

/** Inverted dropout: keeps with probability 1-rate and scales by 1/(1-rate), like PyTorch. */
function dropoutMask(shape: number[], rate: number): tf.Tensor {
  return tf.mul(tf.step(tf.sub(tf.randomUniform(shape), rate)), 1 / (1 - rate));
}

export function features(net: ReferenceNet, x: tf.Tensor4D, opts: ForwardOptions): tf.Tensor2D {
  const batch = x.shape[0];
  let h: tf.Tensor4D;
  if (opts.fastOrder ?? true) {
    h = tf.conv2d(x, net.conv1W as tf.Tensor4D, 1, 'valid');
    h = tf.relu(tf.add(tf.maxPool(h, 2, 2, 'valid'), net.conv1B)) as tf.Tensor4D;
    h = tf.conv2d(h, net.conv2W as tf.Tensor4D, 1, 'valid');
    h = tf.add(tf.maxPool(h, 2, 2, 'valid'), net.conv2B) as tf.Tensor4D;
    if (opts.training) h = tf.mul(h, dropoutMask([batch, 1, 1, 20], 0.5)) as tf.Tensor4D;
  } else {
    h = tf.add(tf.conv2d(x, net.conv1W as tf.Tensor4D, 1, 'valid'), net.conv1B);
    h = tf.relu(tf.maxPool(h, 2, 2, 'valid'));
    h = tf.add(tf.conv2d(h, net.conv2W as tf.Tensor4D, 1, 'valid'), net.conv2B);
    if (opts.training) h = tf.mul(h, dropoutMask([batch, 1, 1, 20], 0.5)) as tf.Tensor4D;
    h = tf.maxPool(h, 2, 2, 'valid');
  }
  const flat = tf.reshape(h, [batch, 320]);
  if (opts.mode === 'relu6-invert') return tf.sub(6, tf.relu6(flat)) as tf.Tensor2D;
  const r = tf.relu(flat) as tf.Tensor2D;
  return opts.mode === 'invert' ? (tf.sub(1, r) as tf.Tensor2D) : r;
}

export function logits(net: ReferenceNet, x: tf.Tensor4D, opts: ForwardOptions): tf.Tensor2D {
  let h = tf.relu(tf.add(tf.matMul(features(net, x, opts), net.fc1W as tf.Tensor2D), net.fc1B));
  if (opts.training) h = tf.mul(h, dropoutMask(h.shape, 0.5)) as tf.Tensor2D;
  return tf.logSoftmax(tf.add(tf.matMul(h, net.fc2W as tf.Tensor2D), net.fc2B)) as tf.Tensor2D;
}

/** Mean negative log-likelihood; `oneHot` is [batch, 10]. */
export function nllLoss(logProbs: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(logProbs, oneHot), 1))) as tf.Scalar;
}

export interface Trainer {
  /** One SGD-momentum step; returns the loss tensor (caller disposes; read it rarely). */
  step(x: tf.Tensor4D, oneHot: tf.Tensor2D): tf.Scalar;
  dispose(): void;
}

export function makeTrainer(net: ReferenceNet, trainable: tf.Variable[], opts: Omit<ForwardOptions, 'training'>,
  lr = 0.01, momentum = 0.5): Trainer {
  const optimizer = tf.train.momentum(lr, momentum);
  return {
    step(x, oneHot) {
      return tf.tidy(() => {
        const { value, grads } = tf.variableGrads(
          () => nllLoss(logits(net, x, { ...opts, training: true }), oneHot),
          trainable,
        );
        optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0]);
        return value;
      });
    },
    dispose() {
      optimizer.dispose();
    },
  };
}

/** Count of correct predictions (batched, no dropout). */
export function countCorrect(net: ReferenceNet, images: Float32Array, labels: Uint8Array, mode: FeatureMode,
  batch = 1000): number {
  const n = labels.length;
  let correct = 0;
  for (let i = 0; i < n; i += batch) {
    const b = Math.min(batch, n - i);
    const predicted = tf.tidy(() => {
      const x = tf.tensor4d(images.subarray(i * 784, (i + b) * 784), [b, 28, 28, 1]);
      return tf.argMax(logits(net, x, { training: false, mode }), 1);
    });
    const p = predicted.dataSync();
    predicted.dispose();
    for (let k = 0; k < b; k++) if (p[k] === labels[i + k]) correct++;
  }
  return correct;
}
