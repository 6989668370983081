/**
 * Logits of a kept-layer set on any LayerEngine, as a LogitsFn: the engine's whole-model
 * `logits` when it has one, else embeddings -> each kept layer -> head, releasing each hidden
 * state as soon as the next exists.
 */
import type { LayerEngine } from '../engine/types.js';
import type { LogitsFn } from './runner.js';

export function engineLogits<H>(engine: LayerEngine<H>, kept: readonly number[]): LogitsFn {
  return async (batch) => {
    if (engine.logits) return engine.logits(batch, kept);
    let h = await engine.embed(batch);
    try {
      for (const l of kept) {
        const next = await engine.layer(l, h, batch);
        engine.release(h);
        h = next;
      }
      return await engine.head(h, batch);
    } finally {
      engine.release(h);
    }
  };
}
