/**
 * The deployable ONNX file of a model: the whole classifier over its kept layers in standard
 * ONNX ops only (opset 17, no ORT contrib ops), with dynamic batch and sequence axes, inputs
 * input_ids, attention_mask and token_type_ids (int64) and output logits, as Hugging Face's
 * Optimum exports BertForSequenceClassification; so ONNX Runtime on any platform and
 * transformers.js read it. Written as `onnx/model.onnx` beside config.json and the tokenizer
 * files (see the model/export node).
 */
import type { EngineModel } from '../engine/model.js';
import type { TensorData } from '../../artifacts/types.js';
import { wholeModel } from './stage-models.js';
import { WeightTable } from './weights.js';

const LAYER_RE = /^bert\.encoder\.layer\.(\d+)\./;

/**
 * The model with its kept layers renumbered 0..k-1 (tensor names too), as the exported
 * config.json describes it: `num_hidden_layers` = k.
 */
export function renumbered(model: EngineModel): EngineModel {
  const index = new Map(model.layers.map((l, i) => [l, i]));
  const tensors = new Map<string, TensorData>();
  for (const [name, t] of model.tensors) {
    const m = LAYER_RE.exec(name);
    if (!m) tensors.set(name, t);
    else {
      const k = index.get(Number(m[1]));
      if (k !== undefined) tensors.set(`bert.encoder.layer.${k}.${name.slice(m[0].length)}`, t);
    }
  }
  return { config: { ...model.config, numLayers: model.layers.length }, layers: model.layers.map((_, i) => i), tensors };
}

/** The ONNX model bytes of `model` over its kept layers (renumbered 0..k-1 in the file). */
export function exportOnnx(model: EngineModel): Uint8Array {
  const m = renumbered(model);
  return wholeModel(m, new WeightTable(m), m.layers, { fused: false });
}

/** Where Hugging Face tools look for the ONNX file inside a model directory. */
export const ONNX_EXPORT_PATH = 'onnx/model.onnx';
