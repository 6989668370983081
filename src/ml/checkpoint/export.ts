/**
 * Write a (possibly pruned) model as a Hugging Face directory that transformers'
 * `BertForSequenceClassification.from_pretrained` loads: kept layers renumbered 0..k-1,
 * num_hidden_layers = k, HF key names and [out, in] kernels in model.safetensors (F32), and the
 * tokenizer files beside them.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { writeSafetensors } from '../safetensors.js';
import { configToHF } from '../bert/config.js';
import type { BertClassifier } from '../bert/model.js';

export interface ExportOptions {
  /** Kept layers (original indices); default all the model holds. */
  layers?: readonly number[];
  /** Tokenizer files: paths to copy, or name -> bytes. */
  tokenizer?: readonly string[] | Record<string, Uint8Array>;
}

/** Returns the written file names (relative to dir). */
export async function exportCheckpoint(model: BertClassifier, dir: string, opts: ExportOptions = {}): Promise<string[]> {
  const layers = model.resolveLayers(opts.layers);
  await mkdir(dir, { recursive: true });
  const config = { ...configToHF(model.config, layers.length), layerfuse: { kept_layers_of_source: layers, source_num_hidden_layers: model.config.numLayers } };
  await writeFile(join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  await writeSafetensors(join(dir, 'model.safetensors'), await model.toHF({ layers, renumber: true }), { format: 'pt' });
  const written = ['config.json', 'model.safetensors'];
  const tok = opts.tokenizer;
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
