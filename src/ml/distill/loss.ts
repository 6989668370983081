/**
 * The distillation loss (docs/method.md "Knowledge distillation", Hinton et al.):
 *   alpha * T^2 * KL(softmax(z_t / T) || softmax(z_s / T)) + (1 - alpha) * CE(y, z_s)
 * with the KL summed over classes and averaged over the batch (PyTorch's `batchmean`), the CE the
 * batch mean of -log softmax(z_s)[y]. T^2 keeps the soft term's gradient on the scale of the
 * hard term's as T grows. alpha = 0 is plain cross-entropy (the control run).
 */
import * as tf from '@tensorflow/tfjs-core';
// The loss is differentiated: op gradients are registered by the umbrella package (see
// bert/ops.ts for why not tfjs-core's own registration).
import '@tensorflow/tfjs';
import type { IndexedBatch } from '../data/batches.js';
import type { BatchLoss } from '../bert/loss.js';
import { crossEntropyOf } from '../bert/loss.js';

export interface DistillLossParams {
  temperature: number;
  alpha: number;
}

export function checkDistillParams(p: DistillLossParams): void {
  if (!(p.temperature > 0) || !Number.isFinite(p.temperature)) throw new Error(`temperature must be > 0, got ${p.temperature}`);
  if (!(p.alpha >= 0 && p.alpha <= 1)) throw new Error(`alpha must be in [0, 1], got ${p.alpha}`);
}

/** The loss on student logits [B, C], teacher logits [B, C] and labels [B]. */
export function distillationLoss(student: tf.Tensor2D, teacher: tf.Tensor2D, labels: tf.Tensor1D, p: DistillLossParams): tf.Scalar {
  checkDistillParams(p);
  const { temperature: T, alpha } = p;
  return tf.tidy(() => {
    const ce = crossEntropyOf(student, labels);
    if (alpha === 0) return ce;
    const logPt = tf.logSoftmax(tf.div(teacher, T));
    const logPs = tf.logSoftmax(tf.div(student, T));
    const kl = tf.mean(tf.sum(tf.mul(tf.exp(logPt), tf.sub(logPt, logPs)), 1));
    const soft = tf.mul(kl, alpha * T * T);
    return (alpha === 1 ? soft : tf.add(soft, tf.mul(ce, 1 - alpha))) as tf.Scalar;
  });
}

/**
 * A BatchLoss for the training loop: the teacher's logits are precomputed once over the split
 * ([numExamples, C] row-major, example order) and each batch's rows are picked by its example
 * indices (batches from makeBatches carry them).
 */
export function distillationLossFn(teacherLogits: Float32Array, numLabels: number, p: DistillLossParams): BatchLoss {
  checkDistillParams(p);
  return (logits, labels, batch) => {
    const indices = (batch as Partial<IndexedBatch>).indices;
    if (!indices) throw new Error('distillation: the batch carries no example indices (make it with makeBatches)');
    const C = numLabels;
    const rows = new Float32Array(indices.length * C);
    indices.forEach((ex, r) => {
      if ((ex + 1) * C > teacherLogits.length) throw new Error(`distillation: example ${ex} has no teacher logits (${teacherLogits.length / C} precomputed)`);
      rows.set(teacherLogits.subarray(ex * C, (ex + 1) * C), r * C);
    });
    const teacher = tf.tensor2d(rows, [indices.length, C]);
    return distillationLoss(logits, teacher, labels, p);
  };
}
