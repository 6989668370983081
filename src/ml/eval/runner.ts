/**
 * Running a classifier over an encoded split in batches: batches are sorted by length (less
 * padding, same results) and the outputs put back in example order.
 */
import { InputError } from '../../artifacts/errors.js';
import { makeBatches, type IndexedBatch } from '../data/batches.js';
import type { EncodedSplit } from '../types.js';

/** Logits of one batch, row-major [batchSize, numLabels]. */
export type LogitsFn = (batch: IndexedBatch) => Float32Array | Promise<Float32Array>;

export interface RunOptions {
  batchSize: number;
  numLabels: number;
  padTokenId?: number;
  /** Called after every batch with examples done and total. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** Starts error messages, e.g. which split and layer subset (`evaluate test [0,2]: `). */
  what?: string;
}

export interface SplitOutputs {
  /** [numExamples, numLabels] row-major, in example order. */
  logits: Float32Array;
  /** Argmax class per example (ties: the lower class id). */
  predictions: Int32Array;
  labels: Int32Array;
}

/**
 * NaN or infinite logits (NaN weights, a diverged training run, an overflow): argmax would
 * silently pick class 0 and report a plausible accuracy, so evaluation stops instead.
 */
export class NonFiniteLogitsError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'NonFiniteLogitsError';
  }
}

export function argmaxRows(logits: Float32Array, numLabels: number): Int32Array {
  const n = logits.length / numLabels;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < numLabels; c++) if ((logits[i * numLabels + c] as number) > (logits[i * numLabels + best] as number)) best = c;
    out[i] = best;
  }
  return out;
}

/** Softmax of one row of logits (max-shifted for stability). */
export function softmaxRow(logits: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] as number);
  const exps = Array.from(logits, (x) => Math.exp(x - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export async function runSplit(fn: LogitsFn, encoded: EncodedSplit, opts: RunOptions): Promise<SplitOutputs> {
  const n = encoded.ids.length;
  const C = opts.numLabels;
  const logits = new Float32Array(n * C);
  const batches = makeBatches(encoded, opts.batchSize, { sortByLength: true, padTokenId: opts.padTokenId ?? 0 });
  let done = 0;
  for (const batch of batches) {
    opts.signal?.throwIfAborted();
    const out = await fn(batch);
    if (out.length !== batch.batchSize * C) throw new Error(`logits for a batch of ${batch.batchSize} have ${out.length} values, want ${batch.batchSize * C}`);
    const bad = out.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) {
      const ex = batch.indices[Math.floor(bad / C)] as number;
      throw new NonFiniteLogitsError(`${opts.what ?? ''}the model's logits are ${out[bad]} for example ${ex} of the split (NaN or infinity in its weights or activations)`);
    }
    batch.indices.forEach((ex, row) => logits.set(out.subarray(row * C, (row + 1) * C), ex * C));
    done += batch.batchSize;
    opts.onProgress?.(done, n);
  }
  return { logits, predictions: argmaxRows(logits, C), labels: encoded.labels };
}
