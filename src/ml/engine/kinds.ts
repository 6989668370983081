/**
 * The inference engines a node can ask for by name (its `engine` param). TF-free, so node
 * declarations can list them. `tfjs` runs on the tensor backend chosen with --backend; ONNX
 * Runtime (src/ml/onnx) joins this list when it lands.
 */
export const ENGINE_KINDS = ['tfjs'] as const;
export type EngineKind = (typeof ENGINE_KINDS)[number];
