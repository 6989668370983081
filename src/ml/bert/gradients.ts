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
import { crossEntropyLoss, type BatchLoss } from './loss.js';
import { readScalar, segmentLossAndGrads } from './segment-grads.js';

export { crossEntropyOf as crossEntropy } from './loss.js';

/**
 * Rough bytes a whole-model backward keeps alive in TF.js: per encoder layer what its op saves
 * for the backward (layer.ts: nine [B*S, H] tensors counting two dropout masks, the GELU input
 * and Φ [B*S, I], the attention probabilities and their dropout mask) and its parameter
 * gradients, with a quarter more for the backward's transients. At bert-base, batch 8,
 * sequence 128 that is 118 MB per layer.
 */
export function backwardBytes(model: BertClassifier, batch: Batch, layers: number): number {
  const c = model.config;
  const H = c.hiddenSize;
  const I = c.intermediateSize;
  const tokens = batch.batchSize * batch.seqLen;
  const attn = batch.batchSize * c.numHeads * batch.seqLen * batch.seqLen;
  const saved = 4 * (tokens * (9 * H + 2 * I) + 2 * attn);
  const paramGrads = 4 * (4 * H * H + 2 * H * I + 9 * H + I);
  return 1.25 * layers * (saved + paramGrads);
}

/**
 * Above this estimate the segment-wise backward is used: WASM's heap stops at 4 GiB; native
 * backends (tfjs-node, tfjs-node-gpu) have the machine's or the GPU's memory. WebGPU: the
 * device's memory is not exposed, and TF.js's WebGPU backend keeps freed buffers pooled for
 * reuse (its footprint is the high-water mark, plus the model, moments and gradients), so the
 * tape gets 3 GiB: an 8 GiB card (most consumer GPUs) fits a step, and bert-base at batch 8,
 * sequence 128 (1.4 GB by backwardBytes) stays on the whole-model tape.
 */
export function segmentThresholdBytes(backend: string = tf.getBackend()): number {
  if (backend === 'wasm' || backend === 'cpu') return 1.5 * 2 ** 30;
  if (backend === 'webgpu') return 3 * 2 ** 30;
  return 12 * 2 ** 30;
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
  /** The loss to differentiate (default: batch-mean cross-entropy). */
  loss?: BatchLoss;
}

/**
 * One forward (with opts.capture) and one backward. The batch must carry labels. Eval mode
 * unless opts.training (then dropout seeded by opts.seed). Async because the loss is read back
 * with `data()`: WebGPU in Node has no synchronous read.
 */
export async function lossAndGrads(model: BertClassifier, batch: Batch, opts: GradOptions = {}): Promise<LossAndGrads> {
  if (!batch.labels) throw new Error('lossAndGrads: the batch has no labels');
  checkBatch(batch, model, true);
  const layers = model.resolveLayers(opts.layers);
  const segment = opts.segment ?? backwardBytes(model, batch, layers.length) > segmentThresholdBytes();
  if (segment) {
    // At bert-base, batch 8, sequence 128 the whole model goes on the tape (1.4 GB by this
    // estimate, under the budget; the WASM heap then peaks near 2.9 GiB over repeated steps,
    // model and gradients included, AdamW's moments living outside it): the segment-wise path
    // is for longer sequences and bigger batches.
    const fitting = Math.floor(segmentThresholdBytes() / backwardBytes(model, batch, 1));
    const taped = opts.tapedLayers ?? Math.max(0, Math.min(fitting, layers.length - 1));
    const labels = tf.tensor1d(batch.labels, 'int32');
    try {
      return await segmentLossAndGrads(model, batch, labels, { ...opts, layers }, taped, opts.loss);
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
      return (opts.loss ?? crossEntropyLoss)(r.logits, labels, batch);
    }, [...params.values()]);
    const out = new Map<string, tf.Tensor>();
    for (const [varName, g] of Object.entries(grads)) out.set(byVarName.get(varName) ?? varName, g);
    const result = { loss: 0, grads: out, forward: fwd! };
    try {
      result.loss = await readScalar(value);
    } catch (e) {
      disposeLossAndGrads(result);
      throw e;
    }
    return result;
  } finally {
    labels.dispose();
  }
}

export function disposeLossAndGrads(r: LossAndGrads): void {
  for (const g of r.grads.values()) g.dispose();
  r.forward.logits.dispose();
  for (const list of [r.forward.hidden, r.forward.attention, r.forward.ffnPre]) for (const t of list ?? []) t.dispose();
}
