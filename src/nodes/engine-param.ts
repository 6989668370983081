/**
 * The `engine` param of the inference nodes (evaluate, predict, ablation, the pruning curves,
 * distillation's teacher): `auto` (default) follows the run's --engine (default auto: ONNX
 * Runtime where it loads).
 */
import type { JsonSchema } from '../artifacts/types.js';
import { ENGINE_KINDS } from '../ml/engine/kinds.js';

export const ENGINE_PARAM: JsonSchema = {
  enum: [...ENGINE_KINDS],
  default: 'auto',
  description:
    "Inference engine: onnxruntime, tfjs, or auto (the run's --engine, itself auto by default: onnxruntime where it loads, else tfjs). The engine that ran is part of the evaluation memo's key.",
};
