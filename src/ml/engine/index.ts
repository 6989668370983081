/** Inference engines seen layer by layer (LayerEngine) and what works over any of them. */
export type { LayerEngine } from './types.js';
export { TfjsLayerEngine, tfjsEngineName, type TfjsEngineOptions } from './tfjs-engine.js';
export { CountingEngine, zeroCounts, type EngineCounts } from './counting.js';
export { engineLogits } from './logits.js';
export { ENGINE_KINDS, type EngineKind } from './kinds.js';
