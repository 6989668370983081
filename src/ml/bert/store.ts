/**
 * A BertClassifier to and from its model manifest (manifest.ts): tensors go to the store one
 * blob each, in HF layout, so a pruned variant shares every blob with its parent.
 */
import type { NodeContext } from '../../artifacts/node-context.js';
import type { TensorData, TensorRef } from '../../artifacts/types.js';
import { MODEL_FORMAT, type ModelManifest } from './manifest.js';
import { BertClassifier } from './model.js';

export interface LoadedModel {
  model: BertClassifier;
  manifest: ModelManifest;
  /** Kept layers (= manifest.layers = model.layers). */
  layers: number[];
  /** Free the model's tensors. */
  dispose(): void;
}

/** Store a model's kept layers (default: all it holds) as tensor blobs; returns the manifest. */
export async function storeModel(ctx: Pick<NodeContext, 'putTensor'>, model: BertClassifier, opts: { tokenizer: unknown; layers?: number[] }): Promise<ModelManifest> {
  const layers = model.resolveLayers(opts.layers);
  const tensors: Record<string, TensorRef> = {};
  // Sequential: bounded memory, and blobs land in a deterministic order.
  for (const [name, t] of await model.toHF({ layers })) tensors[name] = await ctx.putTensor(t);
  return { format: MODEL_FORMAT, config: model.config, layers, tensors, tokenizer: opts.tokenizer, labels: [...model.config.labels] };
}

/** Rebuild the model from its manifest (tensors read through ctx.getTensor). */
export async function loadModel(ctx: Pick<NodeContext, 'getTensor' | 'nodeId'>, manifest: ModelManifest): Promise<LoadedModel> {
  const tensors = new Map<string, TensorData>();
  for (const [name, ref] of Object.entries(manifest.tensors)) tensors.set(name, await ctx.getTensor(ref));
  const model = BertClassifier.fromHF(manifest.config, tensors, { layers: manifest.layers, source: `${ctx.nodeId}: model manifest` });
  return { model, manifest, layers: [...manifest.layers], dispose: () => model.dispose() };
}
