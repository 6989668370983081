/**
 * Which inference engine runs a node's evaluations (its `engine` param), by name. The name
 * (`tfjs-wasm`, ...) goes into evaluation memo keys and run records; the engine runs over the
 * model loaded for the evaluations.
 */
import type { NodeContext } from '../../artifacts/node-context.js';
import type { BertClassifier } from '../../ml/bert/model.js';
import { TfjsLayerEngine, tfjsEngineName, type EngineKind, type LayerEngine } from '../../ml/engine/index.js';
import { useBackend } from './common.js';

/** The running engine's name, initialising what it needs (for TF.js: the backend). */
export async function engineName(ctx: NodeContext, kind: EngineKind): Promise<string> {
  switch (kind) {
    case 'tfjs': {
      const name = tfjsEngineName(await useBackend(ctx, { quiet: true }));
      ctx.record({ engine: name });
      return name;
    }
  }
}

/** An engine over `model` (the caller keeps the model; disposing the engine leaves it alone). */
export function openEngine(kind: EngineKind, model: BertClassifier): LayerEngine<unknown> {
  switch (kind) {
    case 'tfjs':
      return new TfjsLayerEngine(model) as LayerEngine<unknown>;
  }
}
