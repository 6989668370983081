/**
 * BertConfig <-> Hugging Face config.json, with validation up front (tfjs-layers shape: bad
 * arguments fail at construction, never halfway through a forward).
 */
import { InputError } from '../../artifacts/errors.js';
import type { BertConfig } from '../types.js';

export class ConfigError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function validateConfig(c: BertConfig, source = 'config'): BertConfig {
  const positive: Array<keyof BertConfig> = ['vocabSize', 'hiddenSize', 'numLayers', 'numHeads', 'intermediateSize', 'maxPositions', 'typeVocabSize', 'numLabels'];
  for (const k of positive) {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ConfigError(`${source}: ${k} must be a positive integer, got ${JSON.stringify(v)}`);
  }
  if (c.hiddenSize % c.numHeads !== 0) throw new ConfigError(`${source}: hidden size ${c.hiddenSize} is not a multiple of the ${c.numHeads} attention heads`);
  if (!(c.layerNormEps > 0)) throw new ConfigError(`${source}: layer_norm_eps must be > 0, got ${c.layerNormEps}`);
  for (const k of ['hiddenDropout', 'attentionDropout'] as const) {
    if (!(c[k] >= 0 && c[k] < 1)) throw new ConfigError(`${source}: ${k} must be in [0, 1), got ${c[k]}`);
  }
  if (c.labels.length !== c.numLabels) throw new ConfigError(`${source}: ${c.labels.length} label names for ${c.numLabels} labels`);
  return c;
}

/** Classifier classes: far beyond sequence classification, and a bound before label arrays are sized. */
export const MAX_LABELS = 100_000;

function checkNumLabels(n: number, source: string): void {
  if (Number.isInteger(n) && n > MAX_LABELS) throw new ConfigError(`${source}: num_labels is ${n}, above the limit of ${MAX_LABELS.toLocaleString('en-US')}`);
}

/** Encoder layers beyond any BERT there is (bert-large has 24); a bound before arrays are sized by it. */
export const MAX_LAYERS = 1000;
/** 2^32 parameters, 16 GiB as float32: far beyond what the engines here can hold. */
export const MAX_PARAMETERS = 2 ** 32;

/** Parameters a config implies (closed form, so a huge config costs nothing to check). */
export function configParameterCount(c: BertConfig): number {
  const H = c.hiddenSize;
  const I = c.intermediateSize;
  const embeddings = (c.vocabSize + c.maxPositions + c.typeVocabSize) * H + 2 * H;
  const layer = 4 * H * H + 2 * H * I + 9 * H + I;
  return embeddings + c.numLayers * layer + (H * H + H) + (c.numLabels * H + c.numLabels);
}

/**
 * Sizes that could never be allocated are errors before anything is: a config.json claiming
 * `num_hidden_layers: 1000000000` (or a huge hidden_size, vocab_size, ...) would otherwise size
 * arrays and tensors from it and abort the process out of memory. Called where models are made.
 */
export function checkConfigSize(c: BertConfig, source = 'config'): void {
  if (c.numLayers > MAX_LAYERS) throw new ConfigError(`${source}: num_hidden_layers is ${c.numLayers}, above the limit of ${MAX_LAYERS.toLocaleString('en-US')}`);
  const n = configParameterCount(c);
  if (n > MAX_PARAMETERS) {
    const sizes = `vocab_size ${c.vocabSize}, hidden_size ${c.hiddenSize}, num_hidden_layers ${c.numLayers}, intermediate_size ${c.intermediateSize}, max_position_embeddings ${c.maxPositions}, num_labels ${c.numLabels}`;
    throw new ConfigError(`${source}: these sizes make ${n.toExponential(2)} parameters (${sizes}), above the limit of ${MAX_PARAMETERS.toLocaleString('en-US')} (16 GiB as float32)`);
  }
}

/** Defaults a from-scratch model takes for what the caller leaves out (HF's BertConfig defaults). */
export function makeConfig(partial: Partial<BertConfig> & Pick<BertConfig, 'vocabSize' | 'numLabels'>): BertConfig {
  const numLabels = partial.numLabels;
  checkNumLabels(numLabels, 'config');
  return validateConfig({
    hiddenSize: 128,
    numLayers: 4,
    numHeads: 4,
    intermediateSize: 512,
    maxPositions: 512,
    typeVocabSize: 2,
    layerNormEps: 1e-12,
    padTokenId: 0,
    hiddenDropout: 0.1,
    attentionDropout: 0.1,
    labels: partial.labels ?? Array.from({ length: numLabels }, (_, i) => `LABEL_${i}`),
    ...partial,
  });
}

/**
 * Read a HF config.json object. `numLabels`/`labels` override what the file says (for a bare
 * BertModel, whose config carries no classifier). Errors name `source`.
 */
export function configFromHF(json: Record<string, unknown>, source: string, override?: { numLabels?: number; labels?: string[] }): BertConfig {
  const modelType = json.model_type;
  if (modelType !== 'bert') throw new ConfigError(`${source}: unsupported model_type ${JSON.stringify(modelType)} (only "bert")`);
  const act = json.hidden_act ?? 'gelu';
  // gelu_new is the tanh approximation; we compute exact erf GELU, so only accept erf variants.
  if (act !== 'gelu' && act !== 'gelu_python') {
    throw new ConfigError(`${source}: unsupported hidden_act ${JSON.stringify(act)} (only the exact erf "gelu")`);
  }
  const pet = json.position_embedding_type ?? 'absolute';
  if (pet !== 'absolute') throw new ConfigError(`${source}: unsupported position_embedding_type ${JSON.stringify(pet)} (only "absolute")`);
  const num = (key: string, fallback?: number): number => {
    const v = json[key] ?? fallback;
    if (typeof v !== 'number') throw new ConfigError(`${source}: ${key} missing or not a number`);
    return v;
  };
  const id2label = json.id2label as Record<string, string> | undefined;
  let labels: string[] | undefined;
  if (override?.labels) labels = override.labels;
  else if (override?.numLabels === undefined && id2label && Object.keys(id2label).length > 0) {
    const n = Object.keys(id2label).length;
    labels = Array.from({ length: n }, (_, i) => {
      const name = id2label[String(i)];
      if (name === undefined) throw new ConfigError(`${source}: id2label lacks id ${i}`);
      return name;
    });
  }
  const numLabels = override?.labels?.length ?? override?.numLabels ?? labels?.length ?? num('num_labels', 2);
  checkNumLabels(numLabels, source);
  labels ??= Array.from({ length: numLabels }, (_, i) => `LABEL_${i}`);
  return validateConfig(
    {
      vocabSize: num('vocab_size'),
      hiddenSize: num('hidden_size'),
      numLayers: num('num_hidden_layers'),
      numHeads: num('num_attention_heads'),
      intermediateSize: num('intermediate_size'),
      maxPositions: num('max_position_embeddings', 512),
      typeVocabSize: num('type_vocab_size', 2),
      layerNormEps: num('layer_norm_eps', 1e-12),
      numLabels,
      labels,
      padTokenId: num('pad_token_id', 0),
      hiddenDropout: num('hidden_dropout_prob', 0.1),
      attentionDropout: num('attention_probs_dropout_prob', 0.1),
    },
    source,
  );
}

/** The config.json transformers' from_pretrained expects for BertForSequenceClassification. */
export function configToHF(c: BertConfig, numLayers = c.numLayers): Record<string, unknown> {
  const id2label: Record<string, string> = {};
  const label2id: Record<string, number> = {};
  c.labels.forEach((name, i) => {
    id2label[String(i)] = name;
    label2id[name] = i;
  });
  return {
    architectures: ['BertForSequenceClassification'],
    model_type: 'bert',
    vocab_size: c.vocabSize,
    hidden_size: c.hiddenSize,
    num_hidden_layers: numLayers,
    num_attention_heads: c.numHeads,
    intermediate_size: c.intermediateSize,
    hidden_act: 'gelu',
    hidden_dropout_prob: c.hiddenDropout,
    attention_probs_dropout_prob: c.attentionDropout,
    max_position_embeddings: c.maxPositions,
    type_vocab_size: c.typeVocabSize,
    initializer_range: 0.02,
    layer_norm_eps: c.layerNormEps,
    pad_token_id: c.padTokenId,
    position_embedding_type: 'absolute',
    classifier_dropout: null,
    problem_type: 'single_label_classification',
    id2label,
    label2id,
    torch_dtype: 'float32',
    use_cache: true,
  };
}
