/**
 * Encoded examples -> padded batches (src/ml/types.ts Batch), each padded to its own longest
 * sequence. Every batch carries the example indices it holds, so outputs computed in any batch
 * order (e.g. sorted by length for speed) can be put back in example order.
 */
import type { Batch, EncodedSplit, Example } from '../types.js';
import { rngFor, shuffleInPlace } from './rng.js';

export interface IndexedBatch extends Batch {
  /** Index into the split of each row of the batch. */
  indices: Int32Array;
}

export interface BatchOptions {
  /** Shuffle examples (and then batches) with this seed; absent: keep split order. */
  shuffleSeed?: number;
  /**
   * Group similar lengths to cut padding. Without shuffling: the whole split sorted by length
   * (stable). With shuffling: sorted within buckets of `bucketBatches` batches, then the batch
   * order shuffled, so training still sees a random order.
   */
  sortByLength?: boolean;
  bucketBatches?: number;
  padTokenId?: number;
}

export function makeBatches(encoded: EncodedSplit, batchSize: number, opts: BatchOptions = {}): IndexedBatch[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be a positive integer, got ${batchSize}`);
  const n = encoded.ids.length;
  if (encoded.labels.length !== n) throw new Error(`encoded split has ${n} sequences but ${encoded.labels.length} labels`);
  const rand = opts.shuffleSeed === undefined ? undefined : rngFor(opts.shuffleSeed, 'batches');
  let order = Array.from({ length: n }, (_, i) => i);
  if (rand) shuffleInPlace(order, rand);
  const len = (i: number): number => (encoded.ids[i] as Int32Array).length;
  if (opts.sortByLength) {
    const bucket = rand ? batchSize * (opts.bucketBatches ?? 50) : n;
    const sorted: number[] = [];
    for (let at = 0; at < n; at += bucket) {
      // Array.prototype.sort is stable, so equal lengths keep their (shuffled or split) order.
      for (const i of order.slice(at, at + bucket).sort((a, b) => len(a) - len(b))) sorted.push(i);
    }
    order = sorted;
  }
  const groups: number[][] = [];
  for (let at = 0; at < n; at += batchSize) groups.push(order.slice(at, at + batchSize));
  if (rand && opts.sortByLength) shuffleInPlace(groups, rand);
  return groups.map((g) => padBatch(encoded, g, opts.padTokenId ?? 0));
}

export function padBatch(encoded: EncodedSplit, indices: readonly number[], padTokenId = 0): IndexedBatch {
  const batchSize = indices.length;
  const seqLen = indices.reduce((m, i) => Math.max(m, (encoded.ids[i] as Int32Array).length), 1);
  const inputIds = new Int32Array(batchSize * seqLen).fill(padTokenId);
  const attentionMask = new Int32Array(batchSize * seqLen);
  const labels = new Int32Array(batchSize);
  indices.forEach((ex, row) => {
    const ids = encoded.ids[ex] as Int32Array;
    inputIds.set(ids, row * seqLen);
    attentionMask.fill(1, row * seqLen, row * seqLen + ids.length);
    labels[row] = encoded.labels[ex] as number;
  });
  return {
    batchSize,
    seqLen,
    inputIds,
    attentionMask,
    tokenTypeIds: new Int32Array(batchSize * seqLen),
    labels,
    indices: Int32Array.from(indices),
  };
}

/** Anything that turns texts into token ids ([CLS] ... [SEP], truncated). */
export interface TokenEncoder {
  encode(texts: readonly string[]): Int32Array[];
}

export function encodeExamples(tokenizer: TokenEncoder, examples: readonly Example[]): EncodedSplit {
  return { ids: tokenizer.encode(examples.map((e) => e.text)), labels: Int32Array.from(examples, (e) => e.label) };
}
