/**
 * How a model travels between nodes: a manifest of per-tensor refs (HF names, original layer
 * indices, HF [out, in] kernel layout), so a pruned variant shares every blob with its parent
 * and differs only in `layers`. Pure data: planning, reports and exports read it without a
 * tensor backend (store.ts maps a BertClassifier to and from it).
 */
import { InputError } from '../../artifacts/errors.js';
import type { Manifest, TensorRef } from '../../artifacts/types.js';
import type { BertConfig } from '../types.js';

export const MODEL_FORMAT = 'layerfuse/bert@1';

export interface ModelManifest {
  format: typeof MODEL_FORMAT;
  config: BertConfig;
  /** Kept encoder layers, original 0-based indices, ascending. */
  layers: number[];
  /** HF name (original layer indices) -> tensor; only the kept layers' encoder tensors. */
  tensors: Record<string, TensorRef>;
  /** The tokenizer manifest (src/ml/tokenizer/manifest.ts). */
  tokenizer: Manifest;
  /** Class names, index = class id (same as config.labels). */
  labels: string[];
}

/** `bert.encoder.layer.<i>.` prefixes of the per-layer tensors. */
export const LAYER_RE = /^bert\.encoder\.layer\.(\d+)\./;

export function asModelManifest(value: unknown, what = 'model'): ModelManifest {
  const m = value as Partial<ModelManifest> | null;
  if (!m || m.format !== MODEL_FORMAT || !Array.isArray(m.layers) || typeof m.tensors !== 'object' || !m.config) {
    throw new InputError(`${what}: not a ${MODEL_FORMAT} model manifest`);
  }
  return m as ModelManifest;
}

/**
 * A pruned variant: the same blobs, fewer layers. `layers` must be a subset of the manifest's
 * kept layers (original indices); the result lists them ascending.
 */
export function withLayers(manifest: ModelManifest, layers: readonly number[]): ModelManifest {
  const held = new Set(manifest.layers);
  for (const l of layers) {
    if (!held.has(l)) throw new InputError(`layer ${l} is not in the model (kept layers: [${manifest.layers.join(', ')}])`);
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
