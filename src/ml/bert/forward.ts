/**
 * BERT classifier forward with Hugging Face semantics (BertForSequenceClassification, eval or
 * train mode): embeddings (word + position + token type, LayerNorm), post-LN encoder layers
 * (additive attention mask, exact GELU), tanh pooler on [CLS], linear classifier.
 *
 * `layers` picks the kept encoder layers (original indices, in order), so removing layers costs
 * nothing. Capture returns what signals need from the same pass (tfjs-layers'
 * `callAndReturnAttentionScores` idea as options).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../types.js';
import type { BertClassifier } from './model.js';
import { checkBatchFor } from './check-batch.js';
import { DropoutRng, dense, embed, layerNorm } from './ops.js';
import { encoderLayer, type FusedLayerOutput, type LayerCaptureWant, type LayerMasks, type LayerParams } from './layer.js';
import { LAYER_SUFFIXES, layerParamName as P } from './names.js';

export interface CaptureRequest {
  /** Embedding output and the output of each kept layer, [B, S, H] each. */
  hidden?: boolean;
  /** Attention probabilities per kept layer, [B, heads, S, S]. */
  attention?: boolean;
  /** FFN pre-activations (the GELU inputs) per kept layer, [B, S, intermediate]. */
  ffnPre?: boolean;
}

export interface ForwardOptions {
  /** Kept layers, original 0-based indices, ascending; default all the model holds. */
  layers?: readonly number[];
  /** Dropout on (train mode). Default false (eval). */
  training?: boolean;
  /** Dropout seed (train mode); every forward with the same seed drops the same units. */
  seed?: number;
  /** Train mode: override the config's hidden and attention dropout rates. */
  dropout?: number;
  capture?: CaptureRequest;
}

export interface ForwardResult {
  /** [B, numLabels]. */
  logits: tf.Tensor2D;
  /** hidden[0] = embedding output, hidden[i + 1] = output of the i-th kept layer. */
  hidden?: tf.Tensor3D[];
  attention?: tf.Tensor4D[];
  ffnPre?: tf.Tensor3D[];
}

/** Masked scores get this added: exp underflows to exactly 0, as with HF's finfo.min. */
const MASK_NEG = -1e9;

/** Validate a batch against the model; labels only when `labels` (forward ignores them). */
export function checkBatch(batch: Batch, model: BertClassifier, labels = false): void {
  checkBatchFor(batch, model.config, labels);
}

/**
 * What every stage of one forward shares. Dropout draws per stage from (seed, stage), so a
 * stage recomputed on its own (segment-wise backward) drops exactly the same units.
 */
export interface StageContext {
  model: BertClassifier;
  B: number;
  S: number;
  training: boolean;
  seed: number;
  dropout: number | undefined;
  /** Additive attention mask [B, 1, 1, S]. */
  mask: tf.Tensor;
}

/** Stage keys of the dropout streams: embeddings, encoder layer l (original index), head. */
const EMB_STAGE = -1;
const HEAD_STAGE = -2;

function dropper(ctx: StageContext, stage: number): <T extends tf.Tensor>(x: T, rate: number) => T {
  if (!ctx.training) return (x) => x;
  const rng = new DropoutRng(ctx.seed * 1009 + stage + 2);
  return (x, rate) => rng.apply(x, ctx.dropout ?? rate);
}

/** Flattened [B*S, H] embedding output. */
export function embeddingStage(ctx: StageContext, batch: Batch): tf.Tensor2D {
  const { model, B, S } = ctx;
  const c = model.config;
  const H = c.hiddenSize;
  const w = (name: string): tf.Variable => model.param(name);
  const drop = dropper(ctx, EMB_STAGE);
  const ids = tf.tensor1d(batch.inputIds, 'int32');
  const types: tf.Tensor1D = batch.tokenTypeIds ? tf.tensor1d(batch.tokenTypeIds, 'int32') : tf.zeros([B * S], 'int32');
  const word = embed(w('bert.embeddings.word_embeddings.weight'), ids);
  const pos = tf.slice(w('bert.embeddings.position_embeddings.weight'), [0, 0], [S, H]);
  const typ = embed(w('bert.embeddings.token_type_embeddings.weight'), types);
  const emb = tf.add(tf.reshape(tf.add(word, typ), [B, S, H]), pos);
  return tf.reshape(drop(layerNorm(emb, w('bert.embeddings.LayerNorm.weight'), w('bert.embeddings.LayerNorm.bias'), c.layerNormEps), c.hiddenDropout), [B * S, H]) as tf.Tensor2D;
}

/** The dropout multipliers of layer l (null where off: eval mode or a zero rate). */
function layerMasks(ctx: StageContext, l: number): LayerMasks {
  if (!ctx.training) return { attention: null, attentionOut: null, ffnOut: null };
  const c = ctx.model.config;
  const { B, S } = ctx;
  const rng = new DropoutRng(ctx.seed * 1009 + l + 2);
  const rate = (r: number): number => ctx.dropout ?? r;
  // Drawn in the order the layer applies them (the stream is stage-local, see dropper).
  const attention = rng.mask([B, c.numHeads, S, S], rate(c.attentionDropout));
  const attentionOut = rng.mask([B * S, c.hiddenSize], rate(c.hiddenDropout));
  const ffnOut = rng.mask([B * S, c.hiddenSize], rate(c.hiddenDropout));
  return { attention, attentionOut, ffnOut };
}

/**
 * One post-LN encoder layer (original index l) on x [B*S, H]: a single op with a hand-written
 * backward (layer.ts). Captures are returned only when asked (the caller disposes them).
 */
export function layerStage(ctx: StageContext, l: number, x: tf.Tensor2D, want: LayerCaptureWant = {}): FusedLayerOutput {
  const c = ctx.model.config;
  const params = LAYER_SUFFIXES.map((s) => ctx.model.param(P(l, s))) as unknown as LayerParams;
  const masks = layerMasks(ctx, l);
  try {
    return encoderLayer(x, params, ctx.mask, masks, { B: ctx.B, S: ctx.S, heads: c.numHeads, eps: c.layerNormEps }, want);
  } finally {
    for (const m of [masks.attention, masks.attentionOut, masks.ffnOut]) m?.dispose();
  }
}

/** Where `layersStage` appends the captures it was asked for. */
export interface CaptureSinks {
  hidden: tf.Tensor3D[];
  attention: tf.Tensor4D[];
  ffnPre: tf.Tensor3D[];
}

/**
 * The kept layers `layers` on x [B*S, H] (each layer op frees its intermediates as soon as it
 * is done, so inference holds one layer's working set), appending the requested captures
 * after each layer. `onInput` sees every layer's input (the segment-wise backward keeps them).
 */
export function layersStage(ctx: StageContext, layers: readonly number[], x: tf.Tensor2D, capture: CaptureRequest, sinks: CaptureSinks, onInput?: (input: tf.Tensor2D) => void): tf.Tensor2D {
  const { B, S } = ctx;
  const c = ctx.model.config;
  for (const l of layers) {
    onInput?.(x);
    const input = x;
    const out = layerStage(ctx, l, input, { probs: capture.attention, pre: capture.ffnPre });
    x = out.y;
    if (out.probs) sinks.attention.push(out.probs);
    if (out.pre) {
      sinks.ffnPre.push(tf.reshape(out.pre, [B, S, c.intermediateSize]) as tf.Tensor3D);
      out.pre.dispose();
    }
    if (capture.hidden) sinks.hidden.push(tf.reshape(x, [B, S, c.hiddenSize]) as tf.Tensor3D);
  }
  return x;
}

/** Pooler (tanh on [CLS]) and classifier: x [B*S, H] -> logits [B, numLabels]. */
export function headStage(ctx: StageContext, x: tf.Tensor2D): tf.Tensor2D {
  const { model, B, S } = ctx;
  const H = model.config.hiddenSize;
  const w = (name: string): tf.Variable => model.param(name);
  const drop = dropper(ctx, HEAD_STAGE);
  const cls = tf.reshape(tf.slice(tf.reshape(x, [B, S, H]), [0, 0, 0], [B, 1, H]), [B, H]) as tf.Tensor2D;
  const pooled = tf.tanh(dense(cls, w('bert.pooler.dense.weight'), w('bert.pooler.dense.bias'))) as tf.Tensor2D;
  return dense(drop(pooled, model.config.hiddenDropout), w('classifier.weight'), w('classifier.bias'));
}

/** Validate the batch and build the shared stage context (creates the mask tensor). */
export function stageContext(model: BertClassifier, batch: Batch, opts: ForwardOptions): StageContext {
  checkBatch(batch, model);
  const { batchSize: B, seqLen: S } = batch;
  // Additive mask [B, 1, 1, S]: 0 for tokens, MASK_NEG for padding.
  const mask = tf.tidy(() => tf.mul(tf.sub(1, tf.tensor(batch.attentionMask, [B, 1, 1, S], 'float32')), MASK_NEG));
  return { model, B, S, training: opts.training ?? false, seed: opts.seed ?? 0, dropout: opts.dropout, mask };
}

/**
 * The forward itself, without a tidy of its own: call it inside tf.tidy or a gradient function.
 * Per-layer work runs in nested tidies so that inference frees each layer's intermediates
 * (under a gradient tape the tensors the backward needs are kept by the engine).
 */
export function forwardRaw(model: BertClassifier, batch: Batch, opts: ForwardOptions = {}): ForwardResult {
  const layers = model.resolveLayers(opts.layers);
  const ctx = stageContext(model, batch, opts);
  const { B, S } = ctx;
  const H = model.config.hiddenSize;
  const capture = opts.capture ?? {};
  const hidden: tf.Tensor3D[] = [];
  const attention: tf.Tensor4D[] = [];
  const ffnPre: tf.Tensor3D[] = [];
  let x = embeddingStage(ctx, batch);
  if (capture.hidden) hidden.push(tf.reshape(x, [B, S, H]) as tf.Tensor3D);
  x = layersStage(ctx, layers, x, capture, { hidden, attention, ffnPre });
  const logits = headStage(ctx, x);
  const result: ForwardResult = { logits };
  if (capture.hidden) result.hidden = hidden;
  if (capture.attention) result.attention = attention;
  if (capture.ffnPre) result.ffnPre = ffnPre;
  return result;
}

/** Forward in its own tidy: the caller owns (and disposes) every returned tensor. */
export function forward(model: BertClassifier, batch: Batch, opts: ForwardOptions = {}): ForwardResult {
  return tf.tidy(() => forwardRaw(model, batch, opts) as unknown as tf.TensorContainer) as unknown as ForwardResult;
}

/** Dispose every tensor of a forward result. */
export function disposeResult(r: Partial<ForwardResult>): void {
  r.logits?.dispose();
  for (const list of [r.hidden, r.attention, r.ffnPre]) for (const t of list ?? []) t.dispose();
}
