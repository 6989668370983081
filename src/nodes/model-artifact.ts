/**
 * How a model travels between nodes: a manifest of per-tensor refs (HF names, original layer
 * indices, HF [out, in] kernel layout), so a pruned variant shares every blob with its parent
 * and differs only in `layers`. The executor stores and moves the blobs; this file only maps a
 * BertClassifier to and from that manifest. src/ml is imported lazily (planning never loads TF).
 */
import type { BertConfig } from '../ml/types.js';
import type { BertClassifier } from '../ml/bert/model.js';
import type { NamedTensor } from '../ml/safetensors.js';
import { NodeError, type Artifact, type Manifest, type NodeContext, type TensorRef } from './types.js';

export const MODEL_FORMAT = 'layerfuse/bert@1';

export interface ModelManifest {
  format: typeof MODEL_FORMAT;
  config: BertConfig;
  /** Kept encoder layers, original 0-based indices, ascending. */
  layers: number[];
  /** HF name (original layer indices) -> tensor; only the kept layers' encoder tensors. */
  tensors: Record<string, TensorRef>;
  /** The tokenizer manifest (defined by src/ml/tokenizer's owner; opaque here). */
  tokenizer: Manifest;
  /** Class names, index = class id (same as config.labels). */
  labels: string[];
}

export interface LoadedModel {
  model: BertClassifier;
  manifest: ModelManifest;
  /** Kept layers (= manifest.layers = model.layers). */
  layers: number[];
  labels: string[];
  tokenizer: Manifest;
  /** Free the model's tensors. */
  dispose(): void;
}

const LAYER_RE = /^bert\.encoder\.layer\.(\d+)\./;

/** Store a model's kept layers (default: all it holds) as tensor blobs; returns the manifest. */
export async function storeModel(ctx: NodeContext, model: BertClassifier, opts: { tokenizer: unknown; layers?: number[] }): Promise<ModelManifest> {
  const layers = model.resolveLayers(opts.layers);
  const hf = await model.toHF({ layers });
  const tensors: Record<string, TensorRef> = {};
  // Sequential: bounded memory, and blobs land in a deterministic order.
  for (const [name, t] of hf) tensors[name] = await ctx.putTensor({ dtype: t.dtype, shape: t.shape, data: t.data });
  return {
    format: MODEL_FORMAT,
    config: model.config,
    layers,
    tensors,
    tokenizer: opts.tokenizer as Manifest,
    labels: [...model.config.labels],
  };
}

/** Check that an input artifact is a model manifest; errors name the node and the producer. */
export function asModelManifest(artifact: Artifact | Artifact[] | undefined, nodeId: string, port = 'model'): ModelManifest {
  if (artifact === undefined || Array.isArray(artifact)) throw new NodeError(`${nodeId}: input ${port} must be one model`);
  const m = artifact.manifest as Partial<ModelManifest> | null;
  if (!m || m.format !== MODEL_FORMAT || !Array.isArray(m.layers) || typeof m.tensors !== 'object' || !m.config) {
    throw new NodeError(`${nodeId}: input ${port} (from ${artifact.from.node}.${artifact.from.port}) is not a ${MODEL_FORMAT} model manifest`);
  }
  return m as ModelManifest;
}

/** Rebuild the model from its manifest (tensors read through ctx.getTensor). */
export async function loadModel(ctx: NodeContext, manifest: ModelManifest): Promise<LoadedModel> {
  const { BertClassifier } = await import('../ml/bert/model.js');
  const tensors = new Map<string, NamedTensor>();
  for (const [name, ref] of Object.entries(manifest.tensors)) {
    tensors.set(name, await ctx.getTensor(ref));
  }
  const model = BertClassifier.fromHF(manifest.config, tensors, { layers: manifest.layers, source: `${ctx.nodeId}: model manifest` });
  return {
    model,
    manifest,
    layers: [...manifest.layers],
    labels: [...manifest.labels],
    tokenizer: manifest.tokenizer,
    dispose: () => model.dispose(),
  };
}

/**
 * A pruned variant: the same blobs, fewer layers. `layers` must be a subset of the manifest's
 * kept layers (original indices); the result lists them ascending.
 */
export function withLayers(manifest: ModelManifest, layers: number[]): ModelManifest {
  const held = new Set(manifest.layers);
  for (const l of layers) {
    if (!held.has(l)) throw new NodeError(`layer ${l} is not in the model (kept layers: [${manifest.layers.join(', ')}])`);
  }
  const kept = [...new Set(layers)].sort((a, b) => a - b);
  const keep = new Set(kept);
  const tensors: Record<string, TensorRef> = {};
  for (const [name, ref] of Object.entries(manifest.tensors)) {
    const m = LAYER_RE.exec(name);
    if (!m || keep.has(Number(m[1]))) tensors[name] = ref;
  }
  return { ...manifest, layers: kept, tensors };
}

/** Exact parameter count of a manifest's model (from tensor shapes; no tensors read). */
export function manifestParameterCount(manifest: ModelManifest): number {
  let n = 0;
  for (const ref of Object.values(manifest.tensors)) n += ref.shape.reduce((a, b) => a * b, 1);
  return n;
}

/**
 * Write a manifest's model as a Hugging Face directory without a tensor backend: the stored
 * tensors are already HF-layout F32, so this renumbers the kept layers 0..k-1 and writes
 * config.json + model.safetensors + the given tokenizer files. Returns the file names.
 */
export async function exportManifest(ctx: NodeContext, manifest: ModelManifest, dir: string, tokenizerFiles: Record<string, Uint8Array>): Promise<string[]> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { serializeSafetensors } = await import('../ml/safetensors.js');
  const { configToHF } = await import('../ml/bert/config.js');
  const index = new Map(manifest.layers.map((l, i) => [l, i]));
  const tensors = new Map<string, NamedTensor>();
  for (const [name, ref] of Object.entries(manifest.tensors)) {
    const m = LAYER_RE.exec(name);
    let out = name;
    if (m) {
      const k = index.get(Number(m[1]));
      if (k === undefined) continue;
      out = `bert.encoder.layer.${k}.` + name.slice(m[0].length);
    }
    tensors.set(out, await ctx.getTensor(ref));
  }
  await mkdir(dir, { recursive: true });
  const config = {
    ...configToHF(manifest.config, manifest.layers.length),
    layerfuse: { kept_layers_of_source: manifest.layers, source_num_hidden_layers: manifest.config.numLayers },
  };
  await writeFile(join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  await writeFile(join(dir, 'model.safetensors'), serializeSafetensors(tensors, { format: 'pt' }));
  for (const [name, bytes] of Object.entries(tokenizerFiles)) await writeFile(join(dir, name), bytes);
  return ['config.json', 'model.safetensors', ...Object.keys(tokenizerFiles)];
}
