/**
 * The ONNX models an engine runs, as serialized bytes: the embeddings, one encoder layer, the
 * head, and the whole classifier over a kept-layer set (also the deployable export). Batch and
 * sequence axes are dynamic everywhere. Hidden states travel between the stage graphs as
 * float [batch, sequence, hidden] tensors named `hidden` (input) and `hidden_out` (output).
 */
import type { EngineModel } from '../engine/model.js';
import { ATTENTION_MASK, emitEmbeddings, emitHead, emitLayer, emitMask, INPUT_IDS, MS_DOMAIN, TOKEN_TYPE_IDS, type WeightRef } from './bert-graph.js';
import { FLOAT, GraphBuilder, INT64 } from './graph-builder.js';
import type { WeightTable } from './weights.js';

export const HIDDEN_IN = 'hidden';
export const HIDDEN_OUT = 'hidden_out';
export const LOGITS = 'logits';

const BS = ['batch_size', 'sequence_length'] as const;

/**
 * `fused`: attention as ONNX Runtime's com.microsoft Attention op (the engine's graphs);
 * otherwise standard ONNX ops only (the deployable export, which any runtime reads).
 */
export interface GraphOptions {
  fused?: boolean;
}

function encode(g: GraphBuilder, o: GraphOptions): Uint8Array {
  return g.encode(o.fused ? { [MS_DOMAIN]: 1 } : {});
}

/** Weights stored in the graph as initializers named by their HF name (dense kernels hold [in, out]). */
function initializers(g: GraphBuilder, weights: WeightTable): WeightRef {
  const added = new Map<string, string>();
  return (name) => {
    let v = added.get(name);
    if (v === undefined) {
      const w = weights.get(name);
      v = g.initializer(name, w.data, w.dims);
      added.set(name, v);
    }
    return v;
  };
}

/** Weights as graph inputs named by their HF name (fed with every run; see LayerGraphKind). */
function weightInputs(g: GraphBuilder, weights: WeightTable): WeightRef {
  const added = new Set<string>();
  return (name) => {
    if (!added.has(name)) {
      g.input(name, FLOAT, weights.get(name).dims);
      added.add(name);
    }
    return name;
  };
}

function tokenInputs(g: GraphBuilder): { ids: string; mask: string; types: string } {
  return {
    ids: g.input(INPUT_IDS, INT64, BS),
    mask: g.input(ATTENTION_MASK, INT64, BS),
    types: g.input(TOKEN_TYPE_IDS, INT64, BS),
  };
}

/** input_ids, token_type_ids -> hidden_out. */
export function embeddingsModel(model: EngineModel, weights: WeightTable): Uint8Array {
  const g = new GraphBuilder('bert_embeddings');
  const ids = g.input(INPUT_IDS, INT64, BS);
  const types = g.input(TOKEN_TYPE_IDS, INT64, BS);
  g.output(emitEmbeddings(g, model.config, initializers(g, weights), ids, types), HIDDEN_OUT, FLOAT, [...BS, model.config.hiddenSize]);
  return g.encode();
}

/**
 * How a layer graph holds its weights: `initializers` (one graph per layer; ORT prepacks the
 * constant MatMul operands) or `inputs` (one graph for every layer, its weights fed per run).
 */
export type LayerGraphKind = 'initializers' | 'inputs';

/** hidden, attention_mask -> hidden_out through encoder layer `layer` (original index). */
export function layerModel(model: EngineModel, weights: WeightTable, layer: number, kind: LayerGraphKind = 'initializers', o: GraphOptions = {}): Uint8Array {
  const g = new GraphBuilder(`bert_layer_${layer}`);
  const H = model.config.hiddenSize;
  const x = g.input(HIDDEN_IN, FLOAT, [...BS, H]);
  const mask = emitMask(g, g.input(ATTENTION_MASK, INT64, BS), o.fused ?? false);
  const w = kind === 'inputs' ? weightInputs(g, weights) : initializers(g, weights);
  g.output(emitLayer(g, model.config, w, layer, x, mask), HIDDEN_OUT, FLOAT, [...BS, H]);
  return encode(g, o);
}

/** hidden -> logits. */
export function headModel(model: EngineModel, weights: WeightTable): Uint8Array {
  const g = new GraphBuilder('bert_head');
  const x = g.input(HIDDEN_IN, FLOAT, [...BS, model.config.hiddenSize]);
  g.output(emitHead(g, initializers(g, weights), x), LOGITS, FLOAT, [BS[0], model.config.numLabels]);
  return g.encode();
}

/**
 * The whole classifier over `kept` (original indices, ascending; default the model's layers):
 * input_ids, attention_mask, token_type_ids -> logits, as Hugging Face's Optimum exports
 * BertForSequenceClassification.
 */
export function wholeModel(model: EngineModel, weights: WeightTable, kept: readonly number[] = model.layers, o: GraphOptions = {}): Uint8Array {
  const g = new GraphBuilder('bert_for_sequence_classification');
  const inp = tokenInputs(g);
  const w = initializers(g, weights);
  const mask = emitMask(g, inp.mask, o.fused ?? false);
  let x = emitEmbeddings(g, model.config, w, inp.ids, inp.types);
  for (const l of kept) x = emitLayer(g, model.config, w, l, x, mask);
  g.output(emitHead(g, w, x), LOGITS, FLOAT, [BS[0], model.config.numLabels]);
  return encode(g, o);
}
