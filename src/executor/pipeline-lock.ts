/**
 * The lock file beside a pipeline (`hello.yaml` -> `hello.lock.json`): per node, the key
 * components and output digests of the last run that finished it. Deterministic (sorted keys,
 * pretty, no timestamps) so it diffs well in git; `plan` diffs against it to say why a node
 * reruns, and `cache gc --keep` keeps what it references.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { prettyCanonicalJson } from '../artifacts/canonical-json.js';
import type { Lock } from './cache.js';
import type { KeyComponents } from './key.js';

export interface LockedNode {
  key: string;
  components: KeyComponents;
  /** Output port -> artifact digest. */
  outputs: Record<string, string>;
}

export interface PipelineLock {
  version: 1;
  pipeline: string;
  nodes: Record<string, LockedNode>;
}

export function lockFilePath(pipelineFile: string): string {
  const base = basename(pipelineFile, extname(pipelineFile));
  return join(dirname(pipelineFile), `${base}.lock.json`);
}

export async function readPipelineLock(path: string): Promise<PipelineLock | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  // Edited by hand or by a merge gone wrong: keep the entries that are whole, never crash on the rest.
  const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (!isObject(v) || v.version !== 1 || !isObject(v.nodes)) return undefined;
  const nodes: Record<string, LockedNode> = {};
  for (const [id, n] of Object.entries(v.nodes)) {
    if (isObject(n) && typeof n.key === 'string' && isObject(n.outputs) && isObject(n.components) && isObject(n.components.params) && isObject(n.components.inputs)) {
      nodes[id] = n as unknown as LockedNode;
    }
  }
  return { version: 1, pipeline: typeof v.pipeline === 'string' ? v.pipeline : '', nodes };
}

/**
 * Merge a run's finished nodes into the lock file: finished nodes are replaced, nodes no longer
 * in the pipeline dropped, nodes that did not finish this time keep their last entry.
 *
 * `exclusive` (the executor passes a cache lock named after this file) serializes the
 * read-merge-write across processes: runs that finish at once, such as `run-node` jobs of one
 * pipeline on a cluster, would otherwise each merge into the same old file and the last write
 * would drop the others' entries.
 */
export async function updatePipelineLock(
  path: string,
  pipeline: string,
  present: ReadonlySet<string>,
  finished: ReadonlyMap<string, LockedNode>,
  exclusive?: () => Promise<Lock>,
): Promise<PipelineLock> {
  const held = exclusive ? await exclusive() : undefined;
  try {
    return await mergeInto(path, pipeline, present, finished);
  } finally {
    await held?.release();
  }
}

async function mergeInto(path: string, pipeline: string, present: ReadonlySet<string>, finished: ReadonlyMap<string, LockedNode>): Promise<PipelineLock> {
  const old = await readPipelineLock(path);
  // Keyed by node ids, which may be `constructor` or `__proto__`: no prototype.
  const nodes = Object.create(null) as Record<string, LockedNode>;
  for (const [id, entry] of Object.entries(old?.nodes ?? {})) if (present.has(id)) nodes[id] = entry;
  for (const [id, entry] of finished) nodes[id] = entry;
  const lock: PipelineLock = { version: 1, pipeline, nodes };
  const text = prettyCanonicalJson(lock);
  const before = old ? prettyCanonicalJson(old) : undefined;
  if (text !== before) await writeFileAtomic(path, text);
  return lock;
}
