/**
 * The inference engines a node can ask for by name (its `engine` param). TF-free, so node
 * declarations can list them. `auto` defers to the run's `--engine` (itself `auto` by default:
 * ONNX Runtime where it loads, else TF.js); `onnxruntime` is src/ml/onnx; `tfjs` runs on the
 * tensor backend chosen with --backend. select.ts turns a request into the engine that runs.
 */
export const ENGINE_KINDS = ['auto', 'onnxruntime', 'tfjs'] as const;
export type EngineKind = (typeof ENGINE_KINDS)[number];
