/**
 * The `engine` param of the inference nodes (evaluate, predict, ablation, the pruning curves,
 * distillation's teacher): `auto` (default) follows the run's --engine (default auto: ONNX
 * Runtime where it loads).
 */
import type { JsonSchema } from '../artifacts/types.js';
import { ENGINE_KINDS } from '../ml/engine/kinds.js';

/**
 * Whether the node's inference runs on TF.js for certain (its `engine` param, or the run's
 * `--engine` that `auto` follows, says tfjs), for `threadedWasm`: `auto` on both counts means
 * ONNX Runtime where it loads, whose threads are `--threads`.
 */
export function onTfjs(param: string, runEngine: string): boolean {
  return (param === 'auto' ? runEngine : param) === 'tfjs';
}

export const ENGINE_PARAM: JsonSchema = {
  enum: [...ENGINE_KINDS],
  default: 'auto',
  description:
    "Inference engine: onnxruntime, tfjs, or auto (the run's --engine, itself auto by default: onnxruntime where it loads, else tfjs). The engine that ran is part of the evaluation memo's key.",
};
