/**
 * Load a Hugging Face BERT directory (config.json + model.safetensors + tokenizer files) into a
 * BertClassifier. Both BertForSequenceClassification and bare BertModel checkpoints: a bare
 * one gets a new classifier head (seeded, HF init) with the caller's labels.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BertConfig } from '../types.js';
import { decodeSafetensors, readSafetensorsBytes, safetensorsShapes } from '../../artifacts/safetensors.js';
import { badUtf8Message, decodeUtf8 } from '../../artifacts/utf8.js';
import { checkConfigAgainstShapes } from './check-config.js';
import { CheckpointError } from './errors.js';
import { configFromHF } from '../bert/config.js';
import { BertClassifier } from '../bert/model.js';
import { normalizeTensors } from './names.js';

export { CheckpointError };

/** Tokenizer files that travel with a checkpoint (copied verbatim on export). */
export const TOKENIZER_FILE_NAMES = ['vocab.txt', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'] as const;

export interface CheckpointFiles {
  dir: string;
  config: string;
  weights: string;
  /** Present tokenizer files by name (vocab.txt and/or tokenizer.json, plus their configs). */
  tokenizer: Partial<Record<(typeof TOKENIZER_FILE_NAMES)[number], string>>;
}

export interface LoadCheckpointOptions {
  /** Class names for a new head (bare BertModel), or to rename a classifier's labels. */
  labels?: string[];
  /** Class count for a new head when no names are given (names become LABEL_i). */
  numLabels?: number;
  /** Seed of a new classifier head. Default 0. */
  seed?: number;
  /** Kept layers to load (original indices); default all. */
  layers?: number[];
  /** Require tokenizer files (default true). */
  requireTokenizer?: boolean;
}

export interface LoadedCheckpoint {
  model: BertClassifier;
  config: BertConfig;
  files: CheckpointFiles;
  /** True when the checkpoint had no classifier and a new head was initialised. */
  newHead: boolean;
  /** Checkpoint keys skipped on purpose (pretraining heads, buffers). */
  ignored: string[];
}

/** Locate a checkpoint's files; errors name what is missing. */
export function checkpointFiles(dir: string, requireTokenizer = true): CheckpointFiles {
  if (!existsSync(dir)) throw new CheckpointError(`${dir}: checkpoint directory not found`);
  const config = join(dir, 'config.json');
  if (!existsSync(config)) throw new CheckpointError(`${config}: missing (a Hugging Face checkpoint directory needs config.json)`);
  const weights = join(dir, 'model.safetensors');
  if (!existsSync(weights)) {
    const other = ['pytorch_model.bin', 'tf_model.h5', 'model.safetensors.index.json'].filter((f) => existsSync(join(dir, f)));
    const hint = other.length ? ` (found ${other.join(', ')}; only a single model.safetensors is read: convert with transformers' save_pretrained(..., safe_serialization=True))` : '';
    throw new CheckpointError(`${weights}: missing${hint}`);
  }
  const tokenizer: CheckpointFiles['tokenizer'] = {};
  for (const f of TOKENIZER_FILE_NAMES) if (existsSync(join(dir, f))) tokenizer[f] = join(dir, f);
  if (requireTokenizer && !tokenizer['vocab.txt'] && !tokenizer['tokenizer.json']) {
    throw new CheckpointError(`${dir}: no tokenizer (needs vocab.txt or tokenizer.json)`);
  }
  return { dir, config, weights, tokenizer };
}

/** config.json as an object; unreadable, non-UTF-8 or non-JSON files are CheckpointErrors naming it. */
async function readConfigJson(path: string): Promise<Record<string, unknown>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new CheckpointError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const text = decodeUtf8(bytes);
  if (!text.ok) throw new CheckpointError(badUtf8Message(path, text.bad));
  let json: unknown;
  try {
    json = JSON.parse(text.text);
  } catch (e) {
    throw new CheckpointError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new CheckpointError(`${path}: not a JSON object`);
  return json as Record<string, unknown>;
}

export async function loadCheckpoint(dir: string, opts: LoadCheckpointOptions = {}): Promise<LoadedCheckpoint> {
  const files = checkpointFiles(dir, opts.requireTokenizer ?? true);
  const json = await readConfigJson(files.config);
  // The header first: config and file must agree before anything is sized from the config.
  const bytes = await readSafetensorsBytes(files.weights);
  const { tensors: shapes, hasClassifier } = normalizeTensors(safetensorsShapes(bytes, files.weights), files.weights);
  let override: { numLabels?: number; labels?: string[] } | undefined;
  if (!hasClassifier) {
    if (!opts.labels && opts.numLabels === undefined) {
      throw new CheckpointError(`${files.weights}: no classifier (a bare BertModel checkpoint): give num_labels or labels for a new head`);
    }
    override = opts.labels ? { labels: opts.labels } : { numLabels: opts.numLabels! };
  } else if (opts.labels) {
    override = { labels: opts.labels };
  }
  let config: BertConfig;
  try {
    config = configFromHF(json, files.config, override);
  } catch (e) {
    throw new CheckpointError((e as Error).message);
  }
  checkConfigAgainstShapes(config, shapes, files.config, files.weights);
  const { tensors, ignored } = normalizeTensors(decodeSafetensors(bytes, files.weights, { widen: true }).tensors, files.weights);
  let model: BertClassifier;
  try {
    model = BertClassifier.fromHF(config, tensors, {
      source: files.weights,
      ...(opts.layers ? { layers: opts.layers } : {}),
      ...(hasClassifier ? {} : { newHeadSeed: opts.seed ?? 0 }),
    });
  } catch (e) {
    throw new CheckpointError((e as Error).message);
  }
  return { model, config, files, newHead: !hasClassifier, ignored };
}
