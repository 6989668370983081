/**
 * Shared shapes of the numerical core. `src/ml` imports nothing of ours outside `src/ml`.
 */

/** The subset of a Hugging Face BertConfig we use (camelCase here; HF names in config.json). */
export interface BertConfig {
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
  maxPositions: number;
  typeVocabSize: number;
  layerNormEps: number;
  /** Classifier classes; label names in `labels` (index = class id). */
  numLabels: number;
  labels: string[];
  padTokenId: number;
  hiddenDropout: number;
  attentionDropout: number;
}

/** One padded batch, row-major [batchSize, seqLen]. Padding to the longest sequence in the batch. */
export interface Batch {
  batchSize: number;
  seqLen: number;
  inputIds: Int32Array;
  attentionMask: Int32Array;
  tokenTypeIds?: Int32Array;
  /** Class ids, length batchSize (absent for unlabeled prediction). */
  labels?: Int32Array;
}

/** A labelled text example as datasets store them. */
export interface Example {
  text: string;
  label: number;
}

/** Encoded (tokenized, unpadded) examples of one split. */
export interface EncodedSplit {
  ids: Int32Array[];
  labels: Int32Array;
}
