/**
 * An inference engine seen layer by layer: embeddings, any encoder layer by its original
 * index, then the head. Evaluations of kept-layer sets are compositions of these three calls,
 * which is what lets a pruning curve reuse the hidden states of a shared prefix of kept layers
 * (src/ml/prune) whichever engine runs them (TF.js here, ONNX Runtime in src/ml/onnx).
 *
 * `H` is the engine's own handle for a hidden state [B, S, hidden] (a tf.Tensor, an ORT
 * tensor, a Float32Array): callers never look inside, they pass it back and release it.
 */
import type { Batch } from '../types.js';

export interface LayerEngine<H = unknown> {
  /** What ran, as recorded in run records and evaluation memo keys (e.g. `tfjs-wasm`, `onnxruntime-cpu`). */
  readonly name: string;
  /** Encoder layers this engine can apply (original 0-based indices, ascending). */
  readonly layers: readonly number[];
  /** Hidden states after the embeddings (eval mode). */
  embed(batch: Batch): Promise<H>;
  /** Apply encoder layer `layer` (original index) to `h` under the batch's attention mask. */
  layer(layer: number, h: H, batch: Batch): Promise<H>;
  /** Pooler and classifier on [CLS]: logits, row-major [batchSize, numLabels]. */
  head(h: H, batch: Batch): Promise<Float32Array>;
  /**
   * Optional fast path: logits of the kept layers in one call (an engine whose whole-model
   * graph beats layer-by-layer calls). Must equal embed -> layer... -> head.
   */
  logits?(batch: Batch, kept: readonly number[]): Promise<Float32Array>;
  /** Free a hidden-state handle (the engine never frees one it returned). */
  release(h: H): void;
  /** Bytes a hidden state holds (for a prefix cache's memory budget). */
  sizeOf(h: H): number;
  dispose(): Promise<void> | void;
}
