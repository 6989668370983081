/**
 * A batch as ONNX Runtime inputs: int64 [B, S] tensors named as Hugging Face exports them. Made
 * once per batch object (a pruning curve feeds the same batch to many layer calls).
 */
import { checkBatchFor } from '../bert/check-batch.js';
import type { Batch, BertConfig } from '../types.js';
import { ATTENTION_MASK, INPUT_IDS, TOKEN_TYPE_IDS } from './bert-graph.js';
import type { OrtModule, OrtTensor } from './runtime.js';

export interface BatchFeeds {
  [INPUT_IDS]: OrtTensor;
  [ATTENTION_MASK]: OrtTensor;
  [TOKEN_TYPE_IDS]: OrtTensor;
}

function int64(values: Int32Array): BigInt64Array {
  const out = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]!);
  return out;
}

export class FeedCache {
  private readonly cache = new WeakMap<Batch, BatchFeeds>();

  constructor(
    private readonly ort: OrtModule,
    private readonly config: BertConfig,
  ) {}

  get(batch: Batch): BatchFeeds {
    const hit = this.cache.get(batch);
    if (hit) return hit;
    checkBatchFor(batch, this.config);
    const dims = [batch.batchSize, batch.seqLen];
    const types = batch.tokenTypeIds ? int64(batch.tokenTypeIds) : new BigInt64Array(batch.batchSize * batch.seqLen);
    const feeds: BatchFeeds = {
      [INPUT_IDS]: new this.ort.Tensor('int64', int64(batch.inputIds), dims),
      [ATTENTION_MASK]: new this.ort.Tensor('int64', int64(batch.attentionMask), dims),
      [TOKEN_TYPE_IDS]: new this.ort.Tensor('int64', types, dims),
    };
    this.cache.set(batch, feeds);
    return feeds;
  }
}
