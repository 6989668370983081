/**
 * Model size as docs/method.md counts it: exact parameters (embeddings, kept encoder layers, pooler,
 * classifier), GB = 4 bytes * params / 1e9 (float32), and the accuracy-to-size ratio
 * accuracy / GB. The report shows MB (= GB * 1000) because the models here are small.
 */
import { countParameters } from '../ml/bert/names.js';
import type { BertConfig } from '../ml/types.js';

/** The config fields a parameter count depends on. */
export type SizeConfig = Pick<BertConfig, 'vocabSize' | 'hiddenSize' | 'intermediateSize' | 'maxPositions' | 'typeVocabSize' | 'numLabels'>;

/**
 * Exact parameter count of a BERT classifier keeping `keptLayers` encoder layers: the same
 * count the model and the curves use (src/ml/bert/names.ts), so the report's sizes agree with
 * theirs. Which layers are kept does not matter, only how many.
 */
export function bertParameters(config: SizeConfig, keptLayers: number): number {
  if (!Number.isInteger(keptLayers) || keptLayers < 0) throw new RangeError(`kept layers must be a non-negative integer, got ${keptLayers}`);
  const full: BertConfig = { ...config, numLayers: keptLayers, numHeads: 1, layerNormEps: 1e-12, labels: [], padTokenId: 0, hiddenDropout: 0, attentionDropout: 0 };
  return countParameters(full, Array.from({ length: keptLayers }, (_, i) => i));
}

/** Bytes of float32 weights per parameter. */
const BYTES_PER_PARAMETER = 4;

export function sizeGB(parameters: number): number {
  return (BYTES_PER_PARAMETER * parameters) / 1e9;
}

export function sizeMB(parameters: number): number {
  return (BYTES_PER_PARAMETER * parameters) / 1e6;
}

/** Accuracy (a fraction) per GB of float32 weights. */
export function accuracyToSize(accuracy: number, parameters: number): number {
  return accuracy / sizeGB(parameters);
}
