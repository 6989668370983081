/**
 * Hugging Face parameter names and shapes of BertForSequenceClassification, the one naming
 * used everywhere in layerfuse (grads, manifests, exports). Layer indices in names are original
 * (pre-pruning) indices; an export renumbers them.
 */
import type { BertConfig } from '../types.js';

export const EMBEDDING_NAMES = [
  'bert.embeddings.word_embeddings.weight',
  'bert.embeddings.position_embeddings.weight',
  'bert.embeddings.token_type_embeddings.weight',
  'bert.embeddings.LayerNorm.weight',
  'bert.embeddings.LayerNorm.bias',
] as const;

/** Suffixes of one encoder layer's 16 tensors, after `bert.encoder.layer.<i>.`. */
export const LAYER_SUFFIXES = [
  'attention.self.query.weight',
  'attention.self.query.bias',
  'attention.self.key.weight',
  'attention.self.key.bias',
  'attention.self.value.weight',
  'attention.self.value.bias',
  'attention.output.dense.weight',
  'attention.output.dense.bias',
  'attention.output.LayerNorm.weight',
  'attention.output.LayerNorm.bias',
  'intermediate.dense.weight',
  'intermediate.dense.bias',
  'output.dense.weight',
  'output.dense.bias',
  'output.LayerNorm.weight',
  'output.LayerNorm.bias',
] as const;

export type LayerSuffix = (typeof LAYER_SUFFIXES)[number];

export const HEAD_NAMES = ['bert.pooler.dense.weight', 'bert.pooler.dense.bias', 'classifier.weight', 'classifier.bias'] as const;

export function layerPrefix(layer: number): string {
  return `bert.encoder.layer.${layer}.`;
}

export function layerParamName(layer: number, suffix: LayerSuffix): string {
  return layerPrefix(layer) + suffix;
}

/** Encoder layer index of a parameter name, or undefined for embeddings/pooler/classifier. */
export function layerOfName(name: string): number | undefined {
  const m = /^bert\.encoder\.layer\.(\d+)\./.exec(name);
  return m ? Number(m[1]) : undefined;
}

/**
 * Linear-layer kernels: HF stores them [out, in]; we hold them [in, out] so that every matMul
 * is a plain one (transposed matMuls are 10-20x slower on TF.js WASM).
 */
export function isDenseKernel(name: string): boolean {
  return name.endsWith('.weight') && !name.includes('LayerNorm') && !name.includes('embeddings');
}

/** AdamW decays every weight except biases and LayerNorm weights (HF's no_decay list). */
export function isDecayed(name: string): boolean {
  return !name.endsWith('.bias') && !name.includes('LayerNorm');
}

/** HF shapes ([out, in] for kernels) of every parameter, for the given kept layers. */
export function paramShapes(config: BertConfig, layers: readonly number[]): Map<string, number[]> {
  const H = config.hiddenSize;
  const I = config.intermediateSize;
  const shapes = new Map<string, number[]>([
    ['bert.embeddings.word_embeddings.weight', [config.vocabSize, H]],
    ['bert.embeddings.position_embeddings.weight', [config.maxPositions, H]],
    ['bert.embeddings.token_type_embeddings.weight', [config.typeVocabSize, H]],
    ['bert.embeddings.LayerNorm.weight', [H]],
    ['bert.embeddings.LayerNorm.bias', [H]],
  ]);
  const layerShape: Record<LayerSuffix, number[]> = {
    'attention.self.query.weight': [H, H],
    'attention.self.query.bias': [H],
    'attention.self.key.weight': [H, H],
    'attention.self.key.bias': [H],
    'attention.self.value.weight': [H, H],
    'attention.self.value.bias': [H],
    'attention.output.dense.weight': [H, H],
    'attention.output.dense.bias': [H],
    'attention.output.LayerNorm.weight': [H],
    'attention.output.LayerNorm.bias': [H],
    'intermediate.dense.weight': [I, H],
    'intermediate.dense.bias': [I],
    'output.dense.weight': [H, I],
    'output.dense.bias': [H],
    'output.LayerNorm.weight': [H],
    'output.LayerNorm.bias': [H],
  };
  for (const l of layers) for (const s of LAYER_SUFFIXES) shapes.set(layerParamName(l, s), layerShape[s]);
  shapes.set('bert.pooler.dense.weight', [H, H]);
  shapes.set('bert.pooler.dense.bias', [H]);
  shapes.set('classifier.weight', [config.numLabels, H]);
  shapes.set('classifier.bias', [config.numLabels]);
  return shapes;
}

/** Exact parameter count of the model with the given kept layers (docs/method.md: size). */
export function countParameters(config: BertConfig, layers: readonly number[]): number {
  let n = 0;
  for (const shape of paramShapes(config, layers).values()) n += shape.reduce((a, b) => a * b, 1);
  return n;
}
