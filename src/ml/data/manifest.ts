/**
 * The `dataset` artifact: labels, one JSONL blob per split (so each split has its own content
 * digest, which evaluation memos key on) and per-class counts.
 */
import type { Example } from '../types.js';
import type { BlobRef } from '../../artifacts/types.js';
import type { NodeContext } from '../../artifacts/node-context.js';
import { LruMap } from '../../artifacts/lru-map.js';
import { DataError } from './errors.js';
import { SPLITS, type SplitName } from './split.js';

export const DATASET_FORMAT = 'layerfuse/dataset@1';

export interface DatasetManifest {
  format: typeof DATASET_FORMAT;
  /** Display name for tables, figures and pruning curves (`agnews`, `spam-assassin-lists`). */
  name: string;
  /** Class names, index = class id. */
  labels: string[];
  /** Each split as JSONL, one `{"text","label"}` object a line, in source file order. */
  splits: Record<SplitName, BlobRef>;
  /** Examples per class per split. */
  counts: Record<SplitName, number[]>;
  /**
   * Where the examples came from and its sha256: the file as the pipeline named it (relative to
   * the pipeline), or for data shipped in an npm package `npm:<package>@<version>`.
   */
  source: { path: string; digest: string };
  seed: number;
}

export function encodeSplitJsonl(examples: readonly Example[]): Uint8Array {
  const lines = examples.map((e) => JSON.stringify({ text: e.text, label: e.label }));
  return new TextEncoder().encode(lines.length ? lines.join('\n') + '\n' : '');
}

export function decodeSplitJsonl(bytes: Uint8Array, what: string): Example[] {
  const out: Example[] = [];
  const lines = new TextDecoder().decode(bytes).split('\n');
  lines.forEach((line, i) => {
    if (line === '') return;
    const v = JSON.parse(line) as Partial<Example>;
    if (typeof v.text !== 'string' || typeof v.label !== 'number') throw new DataError(`${what}:${i + 1}: not a {text, label} example`);
    out.push({ text: v.text, label: v.label });
  });
  return out;
}

/**
 * The display name of a data file when the pipeline gives none: its base name without the
 * extension (`reviews.csv` -> `reviews`), or its folder's name when the file is called `data`
 * (`../data/agnews/data.jsonl` -> `agnews`, the layout of one folder per dataset).
 */
export function defaultDatasetName(path: string): string {
  const parts = path.split(/[\\/]/).filter((x) => x !== '' && x !== '.');
  const base = (parts.pop() ?? path).replace(/\.[^.]*$/, '');
  const folder = parts.filter((x) => x !== '..').pop();
  return base.toLowerCase() === 'data' && folder ? folder : base || path;
}

/** Store the splits as blobs; `name` defaults to `defaultDatasetName(source.path)`. */
export async function storeDataset(
  store: Pick<NodeContext, 'putBytes'>,
  labels: string[],
  splits: Record<SplitName, readonly Example[]>,
  counts: Record<SplitName, number[]>,
  source: { path: string; digest: string },
  seed: number,
  name: string = defaultDatasetName(source.path),
): Promise<DatasetManifest> {
  const refs = {} as Record<SplitName, BlobRef>;
  for (const s of SPLITS) refs[s] = await store.putBytes(encodeSplitJsonl(splits[s]));
  return { format: DATASET_FORMAT, name, labels, splits: refs, counts, source, seed };
}

export function asDatasetManifest(value: unknown, what = 'dataset'): DatasetManifest {
  const m = value as Partial<DatasetManifest> | null;
  if (!m || m.format !== DATASET_FORMAT || !Array.isArray(m.labels) || !m.splits) {
    throw new DataError(`${what}: not a ${DATASET_FORMAT} manifest`);
  }
  return m as DatasetManifest;
}

// Parsed splits by blob digest: blobs are immutable, and prune/ablation nodes read the same
// split many times in one process (and a reused worker across nodes). Least recently used
// first, at most PARSED_SPLITS of them.
const PARSED_SPLITS = 8;
const parsed = new LruMap<string, Example[]>(PARSED_SPLITS);

/** The examples of one split (train, validation, test or calibration); a fresh array each call. */
export async function readSplit(store: Pick<NodeContext, 'getBytes'>, manifest: DatasetManifest, split: SplitName): Promise<Example[]> {
  const ref = manifest.splits[split];
  if (!ref) throw new DataError(`dataset has no split '${split}' (it has ${Object.keys(manifest.splits).join(', ')})`);
  const hit = parsed.get(ref.$blob);
  if (hit) return hit.slice();
  const examples = decodeSplitJsonl(await store.getBytes(ref), `${split} split`);
  parsed.set(ref.$blob, examples);
  return examples.slice();
}

export function isSplitName(s: string): s is SplitName {
  return (SPLITS as readonly string[]).includes(s);
}
