/**
 * The `engine` param of the inference nodes (evaluate, predict, ablation, pruning curves):
 * absent, the run's `--engine` decides (default auto: ONNX Runtime where it loads). The names
 * are spelled here because declarations do not import src/ml (src/ml/engine/select.ts).
 */
import type { JsonSchema } from '../artifacts/types.js';

export const ENGINE_PARAM: JsonSchema = {
  enum: ['auto', 'onnxruntime', 'tfjs'],
  description:
    "Inference engine: onnxruntime, tfjs, or auto (onnxruntime where it loads). Absent: the run's --engine (default auto). The engine that ran is part of the evaluation memo's key.",
};
