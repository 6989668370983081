/** The classification loss: batch mean of -log softmax(logits)[label]; and the loss hook. */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../types.js';

/**
 * A training loss on one batch's logits [B, C] (differentiable in `logits`; labels as int32):
 * cross-entropy by default, distillation's mix of soft and hard targets in src/ml/distill.
 * Called inside the gradient scope, so tensors it creates are freed with it.
 */
export type BatchLoss = (logits: tf.Tensor2D, labels: tf.Tensor1D, batch: Batch) => tf.Scalar;

export const crossEntropyLoss: BatchLoss = (logits, labels) => crossEntropyOf(logits, labels);

export function crossEntropyOf(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    const picked = tf.sum(tf.mul(tf.oneHot(labels, logits.shape[1]), logp), 1);
    return tf.neg(tf.mean(picked)) as tf.Scalar;
  });
}
