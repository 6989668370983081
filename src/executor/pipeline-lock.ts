/**
 * The lock file beside a pipeline (`hello.yaml` -> `hello.lock.json`): per node, the key
 * components and output digests of the last run that finished it. Deterministic (sorted keys,
 * pretty, no timestamps) so it diffs well in git; `plan` diffs against it to say why a node
 * reruns, and `cache gc --keep` keeps what it references.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { prettyCanonicalJson } from './canonical-json.js';
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
  try {
    const lock = JSON.parse(text) as PipelineLock;
    return lock.version === 1 && typeof lock.nodes === 'object' ? lock : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Merge a run's finished nodes into the lock file: finished nodes are replaced, nodes no longer
 * in the pipeline dropped, nodes that did not finish this time keep their last entry.
 */
export async function updatePipelineLock(
  path: string,
  pipeline: string,
  present: ReadonlySet<string>,
  finished: ReadonlyMap<string, LockedNode>,
): Promise<PipelineLock> {
  const old = await readPipelineLock(path);
  const nodes: Record<string, LockedNode> = {};
  for (const [id, entry] of Object.entries(old?.nodes ?? {})) if (present.has(id)) nodes[id] = entry;
  for (const [id, entry] of finished) nodes[id] = entry;
  const lock: PipelineLock = { version: 1, pipeline, nodes };
  const text = prettyCanonicalJson(lock);
  const before = old ? prettyCanonicalJson(old) : undefined;
  if (text !== before) await writeFileAtomic(path, text);
  return lock;
}
