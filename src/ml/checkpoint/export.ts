/**
 * Write a (possibly pruned) model as a Hugging Face directory that transformers'
 * `BertForSequenceClassification.from_pretrained` loads: kept layers renumbered 0..k-1,
 * num_hidden_layers = k, HF key names and [out, in] kernels in model.safetensors (F32), and the
 * tokenizer files beside them. From a live model, or from a model manifest without a tensor
 * backend (the stored tensors are already HF-layout F32). A manifest can also be written as
 * ONNX (`onnx/model.onnx`, see src/ml/onnx/export.ts), instead of or beside the safetensors.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { NodeContext } from '../../artifacts/node-context.js';
import { writeSafetensors } from '../../artifacts/safetensors.js';
import type { TensorData } from '../../artifacts/types.js';
import { configToHF } from '../bert/config.js';
import { LAYER_RE, type ModelManifest } from '../bert/manifest.js';
import type { BertClassifier } from '../bert/model.js';
import { exportOnnx, ONNX_EXPORT_PATH } from '../onnx/export.js';
import type { BertConfig } from '../types.js';

/** Tokenizer files: paths to copy, or name -> bytes. */
export type TokenizerFileSource = readonly string[] | Record<string, Uint8Array>;

export interface ExportOptions {
  /** Kept layers (original indices); default all the model holds. */
  layers?: readonly number[];
  tokenizer?: TokenizerFileSource;
}

/** Returns the written file names (relative to dir). */
export async function exportCheckpoint(model: BertClassifier, dir: string, opts: ExportOptions = {}): Promise<string[]> {
  const layers = model.resolveLayers(opts.layers);
  return writeHfDirectory(dir, model.config, layers, await model.toHF({ layers, renumber: true }), opts.tokenizer);
}

/** The same directory from a model manifest (its kept layers); tensors read through `store`. */
/** What an export writes beside config.json and the tokenizer files. */
export type ExportFormat = 'hf' | 'onnx' | 'both';

export async function exportManifest(store: Pick<NodeContext, 'getTensor'>, manifest: ModelManifest, dir: string, tokenizer: Record<string, Uint8Array>, format: ExportFormat = 'hf'): Promise<string[]> {
  const index = new Map(manifest.layers.map((l, i) => [l, i]));
  const tensors = new Map<string, TensorData>();
  for (const [name, ref] of Object.entries(manifest.tensors)) {
    const m = LAYER_RE.exec(name);
    let out = name;
    if (m) {
      const k = index.get(Number(m[1]));
      if (k === undefined) continue;
      out = `bert.encoder.layer.${k}.` + name.slice(m[0].length);
    }
    tensors.set(out, await store.getTensor(ref));
  }
  const written = await writeHfDirectory(dir, manifest.config, manifest.layers, tensors, tokenizer, format !== 'onnx');
  if (format !== 'hf') {
    const layers = manifest.layers.map((_, i) => i);
    await mkdir(dirname(join(dir, ONNX_EXPORT_PATH)), { recursive: true });
    await writeFile(join(dir, ONNX_EXPORT_PATH), exportOnnx({ config: manifest.config, layers, tensors }));
    written.push(ONNX_EXPORT_PATH);
  }
  return written;
}

/** `tensors` hold the kept layers already renumbered 0..k-1; `layers` are their original indices. */
async function writeHfDirectory(dir: string, config: BertConfig, layers: readonly number[], tensors: ReadonlyMap<string, TensorData>, tok: TokenizerFileSource | undefined, safetensors = true): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const hf = { ...configToHF(config, layers.length), layerfuse: { kept_layers_of_source: layers, source_num_hidden_layers: config.numLayers } };
  await writeFile(join(dir, 'config.json'), JSON.stringify(hf, null, 2) + '\n');
  const written = ['config.json'];
  if (safetensors) {
    await writeSafetensors(join(dir, 'model.safetensors'), tensors, { format: 'pt' });
    written.push('model.safetensors');
  }
  if (Array.isArray(tok)) {
    for (const path of tok as readonly string[]) {
      await copyFile(path, join(dir, basename(path)));
      written.push(basename(path));
    }
  } else if (tok) {
    for (const [name, bytes] of Object.entries(tok as Record<string, Uint8Array>)) {
      if (name.includes('/') || name.includes('\\') || name.startsWith('.')) throw new Error(`tokenizer file name ${JSON.stringify(name)} is not a plain file name`);
      await writeFile(join(dir, name), bytes);
      written.push(name);
    }
  }
  return written;
}
