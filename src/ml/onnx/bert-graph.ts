/**
 * BERT's forward as ONNX nodes, with Hugging Face semantics (BertForSequenceClassification in
 * eval mode, as our TF.js forward computes it in src/ml/bert/forward.ts): word + position +
 * token-type embeddings and LayerNorm; post-LN encoder layers with an additive attention mask
 * (-1e9 on padding), softmax and exact erf GELU; tanh pooler on [CLS]; linear classifier.
 *
 * Each stage is an emitter that appends nodes to a GraphBuilder and returns the name of its
 * output, so one emitter serves the per-stage graphs of the engine and the whole-model graph
 * of the export. Weights are reached through `w(hfName)`, which returns the graph value that
 * holds them (an initializer or a graph input): dense kernels must be given [in, out], the
 * transpose of HF's [out, in], so that every product is a plain MatMul.
 */
import type { BertConfig } from '../types.js';
import { layerParamName, type LayerSuffix } from '../bert/names.js';
import { FLOAT, INT32, type GraphBuilder } from './graph-builder.js';
import { packedQkvName } from './weights.js';

/** The graph value holding the weight of an HF name (kernels transposed to [in, out]). */
export type WeightRef = (hfName: string) => string;

/** Masked attention scores get this added: exp underflows to exactly 0 (as forward.ts). */
const MASK_NEG = -1e9;

/** Input names as Hugging Face / Optimum exports use them. */
export const INPUT_IDS = 'input_ids';
export const ATTENTION_MASK = 'attention_mask';
export const TOKEN_TYPE_IDS = 'token_type_ids';

/** LayerNormalization over the last axis (opset 17). */
function layerNorm(g: GraphBuilder, x: string, gamma: string, beta: string, eps: number): string {
  return g.op('LayerNormalization', [x, gamma, beta], { axis: { i: -1 }, epsilon: { f: eps } });
}

/** x · W + b for x [..., in], W [in, out]. */
function linear(g: GraphBuilder, x: string, kernel: string, bias: string): string {
  return g.op('Add', [g.op('MatMul', [x, kernel]), bias]);
}

/** Embeddings of int64 `ids` and `types` [B, S]: LayerNorm(word + type + position). */
export function emitEmbeddings(g: GraphBuilder, c: BertConfig, w: WeightRef, ids: string, types: string): string {
  const word = g.op('Gather', [w('bert.embeddings.word_embeddings.weight'), ids], { axis: { i: 0 } });
  const typ = g.op('Gather', [w('bert.embeddings.token_type_embeddings.weight'), types], { axis: { i: 0 } });
  // Positions 0..S-1: the first S rows of the table, S read from the ids' shape.
  const seq = g.op('Shape', [ids], { start: { i: 1 }, end: { i: 2 } });
  const pos = g.op('Slice', [w('bert.embeddings.position_embeddings.weight'), g.ints([0]), seq, g.ints([0])]);
  const sum = g.op('Add', [g.op('Add', [word, typ]), pos]);
  return layerNorm(g, sum, w('bert.embeddings.LayerNorm.weight'), w('bert.embeddings.LayerNorm.bias'), c.layerNormEps);
}

/**
 * The attention mask as a layer consumes it: `additive` [B, 1, 1, S] (0 on tokens, -1e9 on
 * padding) for the standard-op layer, or the 0/1 mask as int32 [B, S] for the fused
 * com.microsoft Attention op, which adds `mask_filter_value` itself.
 */
export interface LayerMask {
  kind: 'additive' | 'int32';
  value: string;
}

export function emitMask(g: GraphBuilder, mask: string, fused: boolean): LayerMask {
  if (fused) return { kind: 'int32', value: g.op('Cast', [mask], { to: { i: INT32 } }) };
  const m = g.op('Cast', [mask], { to: { i: FLOAT } });
  const neg = g.op('Mul', [g.op('Sub', [g.scalar(1, 'one'), m]), g.scalar(MASK_NEG, 'mask_neg')]);
  return { kind: 'additive', value: g.op('Unsqueeze', [neg, g.ints([1, 2], 'mask_axes')]) };
}

/** Exact GELU x·Φ(x) = x · (1 + erf(x/√2)) / 2, in the node pattern ORT's GeluFusion recognises. */
function gelu(g: GraphBuilder, x: string): string {
  const e = g.op('Erf', [g.op('Div', [x, g.scalar(Math.SQRT2, 'sqrt2')])]);
  return g.op('Mul', [g.op('Mul', [x, g.op('Add', [e, g.scalar(1, 'one')])]), g.scalar(0.5, 'half')]);
}

/** Self-attention context [B, S, H] (before the output projection) with standard ops. */
function attentionStandard(g: GraphBuilder, c: BertConfig, p: (s: LayerSuffix) => string, x: string, addMask: string): string {
  const H = c.hiddenSize;
  const heads = c.numHeads;
  const d = H / heads;
  const split = g.ints([0, 0, heads, d], 'heads_shape');
  const toHeads = (t: string, perm: number[]): string => g.op('Transpose', [g.op('Reshape', [t, split])], { perm: { ints: perm } });
  // Q is scaled before the product (as forward.ts), the same math as HF's scaled scores.
  const q = g.op('Mul', [linear(g, x, p('attention.self.query.weight'), p('attention.self.query.bias')), g.scalar(1 / Math.sqrt(d), 'scale')]);
  const qh = toHeads(q, [0, 2, 1, 3]);
  const khT = toHeads(linear(g, x, p('attention.self.key.weight'), p('attention.self.key.bias')), [0, 2, 3, 1]);
  const vh = toHeads(linear(g, x, p('attention.self.value.weight'), p('attention.self.value.bias')), [0, 2, 1, 3]);
  const probs = g.op('Softmax', [g.op('Add', [g.op('MatMul', [qh, khT]), addMask])], { axis: { i: -1 } });
  const ctxh = g.op('MatMul', [probs, vh]);
  return g.op('Reshape', [g.op('Transpose', [ctxh], { perm: { ints: [0, 2, 1, 3] } }), g.ints([0, 0, H], 'hidden_shape')]);
}

/**
 * The same context from ONNX Runtime's fused com.microsoft Attention op (packed Q/K/V
 * projection, scaled masked softmax and context in one kernel): only ORT runs it, so the
 * engine uses it and the deployable export keeps the standard ops.
 */
function attentionFused(g: GraphBuilder, c: BertConfig, w: WeightRef, layer: number, x: string, mask32: string): string {
  const prefix = layerParamName(layer, 'attention.self.query.weight').slice(0, -'attention.self.query.weight'.length);
  return g.op(
    'Attention',
    [x, w(packedQkvName(prefix, 'weight')), w(packedQkvName(prefix, 'bias')), mask32],
    { num_heads: { i: c.numHeads }, mask_filter_value: { f: MASK_NEG } },
    undefined,
    MS_DOMAIN,
  );
}

/** The domain of ONNX Runtime's contrib ops. */
export const MS_DOMAIN = 'com.microsoft';

/** Encoder layer `layer` (original index) on x [B, S, H] under the attention mask. */
export function emitLayer(g: GraphBuilder, c: BertConfig, w: WeightRef, layer: number, x: string, mask: LayerMask): string {
  const p = (s: LayerSuffix): string => w(layerParamName(layer, s));
  const ctx = mask.kind === 'int32' ? attentionFused(g, c, w, layer, x, mask.value) : attentionStandard(g, c, p, x, mask.value);
  const attn = linear(g, ctx, p('attention.output.dense.weight'), p('attention.output.dense.bias'));
  const a = layerNorm(g, g.op('Add', [attn, x]), p('attention.output.LayerNorm.weight'), p('attention.output.LayerNorm.bias'), c.layerNormEps);
  const pre = linear(g, a, p('intermediate.dense.weight'), p('intermediate.dense.bias'));
  const ffn = linear(g, gelu(g, pre), p('output.dense.weight'), p('output.dense.bias'));
  return layerNorm(g, g.op('Add', [ffn, a]), p('output.LayerNorm.weight'), p('output.LayerNorm.bias'), c.layerNormEps);
}

/** Pooler (tanh on [CLS]) and classifier: x [B, S, H] -> logits [B, numLabels]. */
export function emitHead(g: GraphBuilder, w: WeightRef, x: string): string {
  const cls = g.op('Gather', [x, g.scalarInt(0, 'cls')], { axis: { i: 1 } });
  const pooled = g.op('Tanh', [linear(g, cls, w('bert.pooler.dense.weight'), w('bert.pooler.dense.bias'))]);
  return linear(g, pooled, w('classifier.weight'), w('classifier.bias'));
}

