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
import { crossEntropyOf } from './loss.js';
import { segmentLossAndGrads } from './segment-grads.js';

export { crossEntropyOf as crossEntropy } from './loss.js';

/**
 * Rough bytes a whole-model backward keeps alive in TF.js (every intermediate gradient lives
 * until the pass ends): per layer about 14 [B*S, H] and 4 [B*S, I] tensors plus 5 attention-
 * sized ones, times 3 for forward saves, gradients and transients.
 */
export function backwardBytes(model: BertClassifier, batch: Batch, layers: number): number {
  const c = model.config;
  const tokens = batch.batchSize * batch.seqLen;
  const perLayer = 4 * (tokens * (14 * c.hiddenSize + 4 * c.intermediateSize) + 5 * batch.batchSize * c.numHeads * batch.seqLen * batch.seqLen);
  return 3 * layers * perLayer;
}

/**
 * Above this estimate the segment-wise backward is used: WASM's heap stops at 4 GiB; native
 * backends (tfjs-node, tfjs-node-gpu) have the machine's or the GPU's memory.
 */
export function segmentThresholdBytes(backend: string = tf.getBackend()): number {
  return backend === 'wasm' || backend === 'cpu' ? 1.5 * 2 ** 30 : 12 * 2 ** 30;
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

export interface GradOptions extends ForwardOptions {
  /**
   * Segment-wise backward (recompute one layer at a time; one extra forward, memory of one
   * layer). Default: when backwardBytes exceeds segmentThresholdBytes().
   */
  segment?: boolean;
  /**
   * Segment-wise only: how many of the top kept layers run once under the tape instead of
   * being recomputed. Default: as many as fit segmentThresholdBytes(), and at least one layer
   * is recomputed.
   */
  tapedLayers?: number;
}

/**
 * One forward (with opts.capture) and one backward. The batch must carry labels. Eval mode
 * unless opts.training (then dropout seeded by opts.seed).
 */
export function lossAndGrads(model: BertClassifier, batch: Batch, opts: GradOptions = {}): LossAndGrads {
  if (!batch.labels) throw new Error('lossAndGrads: the batch has no labels');
  checkBatch(batch, model, true);
  const layers = model.resolveLayers(opts.layers);
  const segment = opts.segment ?? backwardBytes(model, batch, layers.length) > segmentThresholdBytes();
  if (segment) {
    // Measured at bert-base batch 8 on WASM: 4 taped layers of 12 (this budget) peak at 3.4 GiB
    // RSS over repeated steps, model, AdamW state and gradients included.
    const fitting = Math.floor(segmentThresholdBytes() / backwardBytes(model, batch, 1));
    const taped = opts.tapedLayers ?? Math.max(0, Math.min(fitting, layers.length - 1));
    const labels = tf.tensor1d(batch.labels, 'int32');
    try {
      return segmentLossAndGrads(model, batch, labels, { ...opts, layers }, taped);
    } finally {
      labels.dispose();
    }
  }
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
      return crossEntropyOf(r.logits, labels);
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
