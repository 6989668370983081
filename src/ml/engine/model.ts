/**
 * What an engine is built from: the model's configuration, its kept layers and its tensors by
 * Hugging Face name (original layer indices, HF [out, in] kernels, F32), exactly as a model
 * manifest stores them. Both engines start from this, so the ONNX Runtime path never needs a
 * TF.js model (or a tensor backend) in memory.
 */
import type { BertConfig } from '../types.js';
import type { NodeContext } from '../../artifacts/node-context.js';
import type { TensorData } from '../../artifacts/types.js';
import type { ModelManifest } from '../bert/manifest.js';

export interface EngineModel {
  config: BertConfig;
  /** Kept encoder layers (original 0-based indices, ascending). */
  layers: readonly number[];
  /** HF name -> tensor, for the embeddings, the kept layers, the pooler and the classifier. */
  tensors: ReadonlyMap<string, TensorData>;
}

/** The engine input of a TF.js model (its kept layers, HF layout, original indices). */
export async function engineModelOf(model: { config: BertConfig; layers: readonly number[]; toHF(): Promise<Map<string, TensorData>> }): Promise<EngineModel> {
  return { config: model.config, layers: [...model.layers], tensors: await model.toHF() };
}

/** The engine input of a model manifest (its kept layers' tensors read through `getTensor`). */
export async function engineModelFromManifest(store: Pick<NodeContext, 'getTensor'>, manifest: ModelManifest): Promise<EngineModel> {
  const tensors = new Map<string, TensorData>();
  for (const [name, ref] of Object.entries(manifest.tensors)) tensors.set(name, await store.getTensor(ref));
  return { config: manifest.config, layers: [...manifest.layers], tensors };
}
