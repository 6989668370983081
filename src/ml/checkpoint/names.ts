/**
 * Maps the key names of Hugging Face BERT checkpoints onto BertForSequenceClassification's:
 * bare BertModel files have no `bert.` prefix, old TF-converted files use LayerNorm
 * `gamma`/`beta`, and pretraining checkpoints carry heads and buffers we do not use.
 */
import type { TensorData } from '../../artifacts/types.js';

export interface NormalizedTensors<T = TensorData> {
  tensors: Map<string, T>;
  /** Keys dropped on purpose (pretraining heads, position_ids buffers). */
  ignored: string[];
  /** The checkpoint holds a classifier head. */
  hasClassifier: boolean;
}

/** Pretraining heads and non-parameter buffers, tolerated and skipped. */
function isIgnored(key: string): boolean {
  return key.startsWith('cls.') || key.endsWith('position_ids') || key.endsWith('token_type_ids') || key.startsWith('bert.cls.');
}

const BARE_ROOTS = ['embeddings.', 'encoder.', 'pooler.'];

export function canonicalName(key: string): string {
  let name = key;
  if (BARE_ROOTS.some((r) => name.startsWith(r))) name = 'bert.' + name;
  name = name.replace(/LayerNorm\.gamma$/, 'LayerNorm.weight').replace(/LayerNorm\.beta$/, 'LayerNorm.bias');
  return name;
}

/** Canonical names for a checkpoint's tensors (or for anything keyed by them, such as header shapes). */
export function normalizeTensors<T = TensorData>(raw: ReadonlyMap<string, T>, source: string): NormalizedTensors<T> {
  const tensors = new Map<string, T>();
  const ignored: string[] = [];
  for (const [key, t] of raw) {
    if (isIgnored(key)) {
      ignored.push(key);
      continue;
    }
    const name = canonicalName(key);
    if (tensors.has(name)) throw new Error(`${source}: tensors ${key} and another key both map to ${name}`);
    tensors.set(name, t);
  }
  return { tensors, ignored, hasClassifier: tensors.has('classifier.weight') || tensors.has('classifier.bias') };
}
