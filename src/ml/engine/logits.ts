/**
 * A LayerEngine as a plain LogitsFn for one kept-layer set: the engine's whole-model call when
 * it has one, else embed -> each kept layer -> head, releasing each state as soon as it is used.
 */
import type { LogitsFn } from '../eval/runner.js';
import type { LayerEngine } from './types.js';

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
