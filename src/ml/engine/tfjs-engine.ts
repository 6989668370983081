/**
 * The TF.js LayerEngine: a BertClassifier's forward split into the stages forward.ts already
 * composes (embeddings, one encoder layer, head), in eval mode. Hidden states are [B*S, H]
 * tensors owned by the caller until `release`. Composing the stages gives the same logits as
 * `forward(model, batch, {layers})` (the same ops in the same order), which is what lets the
 * evaluation memo key a prefix-reusing curve and a plain evaluation identically.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BertClassifier } from '../bert/model.js';
import { disposeResult, embeddingStage, forward, headStage, layerStage, stageContext, type StageContext } from '../bert/forward.js';
import { readBack } from '../read-back.js';
import type { Batch } from '../types.js';
import type { LayerEngine } from './types.js';

export interface TfjsEngineOptions {
  /** Dispose the model with the engine (default false: the caller owns it). */
  ownsModel?: boolean;
}

/** The engine name for TF.js on a backend: `tfjs-wasm`, `tfjs-tensorflow`, `tfjs-cpu`, ... */
export function tfjsEngineName(backend: string = tf.getBackend()): string {
  return `tfjs-${backend}`;
}

export class TfjsLayerEngine implements LayerEngine<tf.Tensor2D> {
  readonly name: string;
  readonly layers: readonly number[];
  /**
   * The stage context (its additive mask) of the batch last seen: callers walk one batch at a
   * time through many layer calls, so one entry saves rebuilding the mask per layer.
   */
  private current: { batch: Batch; ctx: StageContext } | undefined;
  private disposed = false;

  constructor(
    readonly model: BertClassifier,
    private readonly opts: TfjsEngineOptions = {},
  ) {
    this.name = tfjsEngineName();
    this.layers = model.layers;
  }

  private ctxFor(batch: Batch): StageContext {
    if (this.disposed) throw new Error('TfjsLayerEngine used after dispose()');
    if (this.current?.batch === batch) return this.current.ctx;
    this.current?.ctx.mask.dispose();
    this.current = undefined;
    const ctx = stageContext(this.model, batch, {});
    this.current = { batch, ctx };
    return ctx;
  }

  embed(batch: Batch): Promise<tf.Tensor2D> {
    const ctx = this.ctxFor(batch);
    return Promise.resolve(tf.tidy(() => embeddingStage(ctx, batch)));
  }

  layer(layer: number, h: tf.Tensor2D, batch: Batch): Promise<tf.Tensor2D> {
    if (!this.layers.includes(layer)) throw new Error(`layer ${layer} is not in this model (held: [${this.layers.join(', ')}])`);
    const ctx = this.ctxFor(batch);
    return Promise.resolve(tf.tidy(() => layerStage(ctx, layer, h).y));
  }

  async head(h: tf.Tensor2D, batch: Batch): Promise<Float32Array> {
    const ctx = this.ctxFor(batch);
    const logits = tf.tidy(() => headStage(ctx, h));
    try {
      return (await readBack(logits)) as Float32Array;
    } finally {
      logits.dispose();
    }
  }

  async logits(batch: Batch, kept: readonly number[]): Promise<Float32Array> {
    const r = forward(this.model, batch, { layers: kept });
    try {
      return (await readBack(r.logits)) as Float32Array;
    } finally {
      disposeResult(r);
    }
  }

  release(h: tf.Tensor2D): void {
    h.dispose();
  }

  sizeOf(h: tf.Tensor2D): number {
    return h.size * 4;
  }

  dispose(): void {
    if (this.disposed) return;
    this.current?.ctx.mask.dispose();
    this.current = undefined;
    this.disposed = true;
    if (this.opts.ownsModel) this.model.dispose();
  }
}
