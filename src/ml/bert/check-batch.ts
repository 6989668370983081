/**
 * Batch validation against a model's configuration, shared by every engine (TF.js and ONNX
 * Runtime): a bad id or an over-long sequence fails here with a clear message rather than deep
 * inside a gather or a broadcast.
 */
import type { BertConfig, Batch } from '../types.js';

/** Validate a batch; labels only when `labels` (a forward ignores them). */
export function checkBatchFor(batch: Batch, c: BertConfig, labels = false): void {
  const { batchSize: B, seqLen: S } = batch;
  if (!(B >= 1 && S >= 1)) throw new Error(`batch: empty (batchSize ${B}, seqLen ${S})`);
  if (batch.inputIds.length !== B * S) throw new Error(`batch: inputIds has ${batch.inputIds.length} entries, want ${B}x${S}`);
  if (batch.attentionMask.length !== B * S) throw new Error(`batch: attentionMask has ${batch.attentionMask.length} entries, want ${B}x${S}`);
  if (batch.tokenTypeIds && batch.tokenTypeIds.length !== B * S) throw new Error(`batch: tokenTypeIds has ${batch.tokenTypeIds.length} entries, want ${B}x${S}`);
  if (S > c.maxPositions) throw new Error(`batch: sequence length ${S} exceeds max_position_embeddings ${c.maxPositions}`);
  for (const id of batch.inputIds) if (id < 0 || id >= c.vocabSize) throw new Error(`batch: token id ${id} outside the vocabulary (size ${c.vocabSize})`);
  if (batch.tokenTypeIds) for (const t of batch.tokenTypeIds) if (t < 0 || t >= c.typeVocabSize) throw new Error(`batch: token type ${t} outside 0..${c.typeVocabSize - 1}`);
  if (labels && batch.labels) {
    if (batch.labels.length !== B) throw new Error(`batch: ${batch.labels.length} labels for ${B} rows`);
    for (const y of batch.labels) if (y < 0 || y >= c.numLabels) throw new Error(`batch: label ${y} outside 0..${c.numLabels - 1}`);
  }
}
