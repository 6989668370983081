/**
 * Reading results back: a node's cached outputs (under its current key, else those of the last
 * run the lock file records) and the JSON held by blobs in a manifest (e.g. model/predict's
 * predictions.jsonl). For `layerfuse show` and for programs using the library.
 */
import type { PipelineGraph } from '../dsl/types.js';
import type { BlobRef } from '../artifacts/types.js';
import type { Cache, IndexRecord } from './cache.js';
import { planPipeline } from './planner.js';
import { collectBlobRefs } from './refs.js';

export interface CachedResult {
  record: IndexRecord;
  /** False when the record is the last run's and the pipeline or its inputs changed since. */
  current: boolean;
}

/** The node's cached result, or undefined when it has none (it never ran with this cache). */
export async function cachedResult(graph: PipelineGraph, nodeId: string, cache: Cache): Promise<CachedResult | undefined> {
  const entry = (await planPipeline(graph, { cache, only: [nodeId] })).find((e) => e.id === nodeId);
  const now = entry?.key ? await cache.get(entry.key) : undefined;
  if (now) return { record: now.record, current: true };
  const last = entry?.last ? await cache.get(entry.last.key) : undefined;
  return last ? { record: last.record, current: false } : undefined;
}

/** Parse text as JSON, else as JSON Lines (a list of the lines' values); undefined when neither. */
export function parseJsonOrLines(text: string): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    /* try JSON Lines */
  }
  const rows: unknown[] = [];
  for (const line of t.split('\n')) {
    if (line.trim() === '') continue;
    try {
      rows.push(JSON.parse(line));
    } catch {
      return undefined;
    }
  }
  return rows;
}

/** The JSON or JSON Lines value a blob holds; undefined when it holds neither. */
export async function readJsonBlob(cache: Pick<Cache, 'getBytes'>, ref: BlobRef): Promise<unknown> {
  const bytes = await cache.getBytes(ref.$blob);
  if (bytes[0] !== 0x7b && bytes[0] !== 0x5b) return undefined; // `{` or `[`: cheap sniff before parsing
  return parseJsonOrLines(new TextDecoder().decode(bytes));
}

/**
 * Every blob in a manifest that holds JSON or JSON Lines, parsed, by its JSON path in the
 * manifest (`/files/predictions.jsonl`). Blobs larger than `maxBytes`, missing or corrupt are left out.
 */
export async function jsonBlobs(cache: Pick<Cache, 'getBytes' | 'hasObject'>, manifest: unknown, maxBytes = 16 * 1024 * 1024): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const { path, ref } of collectBlobRefs(manifest)) {
    if (ref.size > maxBytes || !(await cache.hasObject(ref.$blob))) continue;
    let value: unknown;
    try {
      value = await readJsonBlob(cache, ref);
    } catch {
      continue; // a corrupt object (now out of the store) is not shown; `cache verify` names it
    }
    if (value !== undefined) out[path || '/'] = value;
  }
  return out;
}
