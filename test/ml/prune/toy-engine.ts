/**
 * A LayerEngine over plain numbers for curve and memo tests: a hidden state is one number per
 * row that records which layers ran (h = h * 10 + (layer + 1)), and the head predicts the
 * row's label exactly when `correct(kept, example)` says so. Accuracies of any kept set are then
 * known in advance, and every call is counted by CountingEngine around it.
 */
import type { IndexedBatch } from '../../../src/ml/data/batches.js';
import type { LayerEngine } from '../../../src/ml/engine/types.js';
import type { SplitBatches } from '../../../src/ml/prune/prefix-evaluator.js';

export interface ToyState {
  rows: Float64Array;
  released: boolean;
}

/** Decode a state back to the kept layers it went through. */
export function keptOf(h: number): number[] {
  const digits = h === 0 ? [] : String(h).split('').map(Number);
  return digits.map((d) => d - 1);
}

export class ToyEngine implements LayerEngine<ToyState> {
  readonly name = 'toy';
  live = 0;
  constructor(
    readonly layers: readonly number[],
    private readonly numLabels: number,
    private readonly correct: (kept: number[], example: number) => boolean,
  ) {}

  embed(batch: IndexedBatch): Promise<ToyState> {
    this.live++;
    return Promise.resolve({ rows: new Float64Array(batch.batchSize), released: false });
  }

  layer(layer: number, h: ToyState, _batch: IndexedBatch): Promise<ToyState> {
    if (h.released) throw new Error('layer on a released state');
    this.live++;
    return Promise.resolve({ rows: h.rows.map((x) => x * 10 + layer + 1), released: false });
  }

  head(h: ToyState, batch: IndexedBatch): Promise<Float32Array> {
    if (h.released) throw new Error('head on a released state');
    const C = this.numLabels;
    const out = new Float32Array(batch.batchSize * C);
    for (let r = 0; r < batch.batchSize; r++) {
      const ex = batch.indices[r]!;
      const y = batch.labels![r]!;
      const pred = this.correct(keptOf(h.rows[r]!), ex) ? y : (y + 1) % C;
      out[r * C + pred] = 1;
    }
    return Promise.resolve(out);
  }

  release(h: ToyState): void {
    if (h.released) throw new Error('state released twice');
    h.released = true;
    this.live--;
  }

  sizeOf(h: ToyState): number {
    return h.rows.length * 8;
  }

  dispose(): void {}
}

/** n examples (labels i % C) in batches of `size`, each row a one-token sequence. */
export function toySplit(n: number, C: number, size: number): SplitBatches & { labels: Int32Array } {
  const labels = Int32Array.from({ length: n }, (_, i) => i % C);
  const batches: IndexedBatch[] = [];
  for (let at = 0; at < n; at += size) {
    const idx = Array.from({ length: Math.min(size, n - at) }, (_, i) => at + i);
    batches.push({
      batchSize: idx.length,
      seqLen: 1,
      inputIds: new Int32Array(idx.length),
      attentionMask: new Int32Array(idx.length).fill(1),
      labels: Int32Array.from(idx, (i) => labels[i]!),
      indices: Int32Array.from(idx),
    });
  }
  return { batches, numExamples: n, numLabels: C, labels };
}
