/**
 * Batch-mean cross-entropy, its gradients with respect to every parameter a forward uses, and
 * (on request) the forward's captures, all from ONE forward and backward pass: the signals
 * capture reads hidden states, attention and FFN pre-activations from the same forward whose
 * gradients feed gradient-magnitudes and gradient-fisher.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../types.js';
import type { BertClassifier } from './model.js';
import { checkBatch, forwardRaw, type ForwardOptions, type ForwardResult } from './forward.js';

/** Mean over the batch of -log softmax(logits)[label]. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    const picked = tf.sum(tf.mul(tf.oneHot(labels, logits.shape[1]), logp), 1);
    return tf.neg(tf.mean(picked)) as tf.Scalar;
  });
}

export interface LossAndGrads {
  /** Batch-mean cross-entropy (a number, read back once). */
  loss: number;
  /**
   * HF name -> gradient, for every parameter the forward used (embeddings, kept layers, pooler,
   * classifier). Kernels are [in, out] like the model's variables (the transpose of HF's
   * layout); elementwise statistics such as mean |g| do not depend on it.
   */
  grads: Map<string, tf.Tensor>;
  /** The forward's logits and requested captures (caller disposes; see disposeLossAndGrads). */
  forward: ForwardResult;
}

/**
 * One forward (with opts.capture) and one backward. The batch must carry labels. Eval mode
 * unless opts.training (then dropout seeded by opts.seed).
 */
export function lossAndGrads(model: BertClassifier, batch: Batch, opts: ForwardOptions = {}): LossAndGrads {
  if (!batch.labels) throw new Error('lossAndGrads: the batch has no labels');
  checkBatch(batch, model, true);
  const layers = model.resolveLayers(opts.layers);
  const params = model.paramsFor(layers);
  const byVarName = new Map<string, string>();
  for (const [name, v] of params) byVarName.set(v.name, name);
  let fwd: ForwardResult | undefined;
  const labels = tf.tensor1d(batch.labels, 'int32');
  try {
    const { value, grads } = tf.variableGrads(() => {
      const r = forwardRaw(model, batch, { ...opts, layers });
      // Keep the forward's outputs past the gradient's internal tidy: they are results too.
      fwd = r;
      for (const t of [r.logits, ...(r.hidden ?? []), ...(r.attention ?? []), ...(r.ffnPre ?? [])]) tf.keep(t);
      return crossEntropy(r.logits, labels);
    }, [...params.values()]);
    const loss = value.dataSync()[0]!;
    value.dispose();
    const out = new Map<string, tf.Tensor>();
    for (const [varName, g] of Object.entries(grads)) out.set(byVarName.get(varName) ?? varName, g);
    return { loss, grads: out, forward: fwd! };
  } finally {
    labels.dispose();
  }
}

export function disposeLossAndGrads(r: LossAndGrads): void {
  for (const g of r.grads.values()) g.dispose();
  r.forward.logits.dispose();
  for (const list of [r.forward.hidden, r.forward.attention, r.forward.ffnPre]) for (const t of list ?? []) t.dispose();
}
