/**
 * A LayerEngine wrapper that counts what the wrapped engine computes: tests and benches check
 * the work of prefix reuse and memoization from outside the code that does them.
 */
import type { Batch } from '../types.js';
import type { LayerEngine } from './types.js';

export interface EngineCounts {
  /** Batches embedded. */
  embeds: number;
  /** Encoder-layer applications to a batch (a whole-model `logits` call adds its kept layers). */
  layers: number;
  /** Heads applied (one per set of logits, whole-model calls included). */
  heads: number;
  /** Examples passed through encoder layers (layer applications times batch rows). */
  layerExamples: number;
}

export function zeroCounts(): EngineCounts {
  return { embeds: 0, layers: 0, heads: 0, layerExamples: 0 };
}

export class CountingEngine<H> implements LayerEngine<H> {
  readonly counts: EngineCounts = zeroCounts();
  readonly name: string;
  readonly layers: readonly number[];
  readonly logits?: (batch: Batch, kept: readonly number[]) => Promise<Float32Array>;

  constructor(private readonly inner: LayerEngine<H>) {
    this.name = inner.name;
    this.layers = inner.layers;
    const whole = inner.logits?.bind(inner);
    if (whole) {
      this.logits = (batch, kept) => {
        this.counts.embeds++;
        this.counts.layers += kept.length;
        this.counts.layerExamples += kept.length * batch.batchSize;
        this.counts.heads++;
        return whole(batch, kept);
      };
    }
  }

  embed(batch: Batch): Promise<H> {
    this.counts.embeds++;
    return this.inner.embed(batch);
  }

  layer(layer: number, h: H, batch: Batch): Promise<H> {
    this.counts.layers++;
    this.counts.layerExamples += batch.batchSize;
    return this.inner.layer(layer, h, batch);
  }

  head(h: H, batch: Batch): Promise<Float32Array> {
    this.counts.heads++;
    return this.inner.head(h, batch);
  }

  release(h: H): void {
    this.inner.release(h);
  }

  sizeOf(h: H): number {
    return this.inner.sizeOf(h);
  }

  dispose(): Promise<void> | void {
    return this.inner.dispose();
  }
}
