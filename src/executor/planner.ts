/**
 * Dry run: for every node, `cached` or `run` with the reason, found the way a run would find it
 * (same keys, same cache lookups) but without running or touching anything. Reasons diff the
 * node's key components against the lock file's record of the last run.
 */
import type { PipelineGraph, ResolvedNode } from '../dsl/types.js';
import { getNodeType } from '../nodes/registry.js';
import type { Cache, OutputRecord } from './cache.js';
import { inputArtifacts, keyComponents, portSources, type NodeTypeLookup } from './components.js';
import { PlanError } from './errors.js';
import { referencedObjects } from './fs-cache.js';
import { dependenciesOf, runSelection } from './graph.js';
import { diffComponents, keyOf, type KeyComponents } from './key.js';
import { lockFilePath, readPipelineLock, type PipelineLock } from './pipeline-lock.js';

export interface PlanEntry {
  id: string;
  type: string;
  action: 'cached' | 'run';
  /** Empty for cached nodes. */
  reasons: string[];
  /** Known when every input's digest is known (its upstream nodes are cached). */
  key?: string;
  components?: KeyComponents;
  /** The lock file's record of the last run, when there is one. */
  last?: { key: string; components: KeyComponents };
}

export interface PlanOptions {
  cache: Cache;
  lookup?: NodeTypeLookup;
  only?: readonly string[];
  force?: readonly string[];
  /** The lock file to diff against; default: the one beside the pipeline. */
  lock?: PipelineLock;
}

export async function planPipeline(graph: PipelineGraph, o: PlanOptions): Promise<PlanEntry[]> {
  const lookup = o.lookup ?? getNodeType;
  const { selected, forced } = runSelection(graph, o.only, o.force);
  const lock = o.lock ?? (await readPipelineLock(lockFilePath(graph.file)));
  const known = new Map<string, Record<string, OutputRecord>>();
  const entries: PlanEntry[] = [];
  // In the DSL's topological order: a node's upstream nodes are planned before it.
  for (const id of graph.nodes.keys()) {
    if (!selected.has(id)) continue;
    const node = graph.nodes.get(id) as ResolvedNode;
    const type = lookup(node.type);
    if (!type) throw new PlanError(`node ${id}: unknown node type '${node.type}'`);
    // Own entries only: an id such as `constructor` must not find Object.prototype's.
    const lastEntry = lock && Object.hasOwn(lock.nodes, id) ? lock.nodes[id] : undefined;
    const entry: PlanEntry = { id, type: node.type, action: 'run', reasons: [] };
    if (lastEntry) entry.last = { key: lastEntry.key, components: lastEntry.components };
    entries.push(entry);

    const inputs = inputArtifacts(node, (up) => known.get(up));
    if (!inputs) {
      const running = dependenciesOf(node).filter((d) => graph.nodes.has(d) && !known.has(d));
      if (lastEntry) entry.reasons.push(...staticReasons(node, type.version, lastEntry.components), `upstream runs: ${running.join(', ')}`);
      else entry.reasons.push('new');
      if (forced.has(id)) entry.reasons.unshift('forced');
      if (!node.cache || type.cacheable === false) entry.reasons.unshift('not cacheable');
      continue;
    }
    let components: KeyComponents;
    try {
      components = await keyComponents(node, type, inputs, graph.dir, { name: graph.name, params: graph.params });
    } catch (e) {
      entry.reasons.push((e as Error).message);
      continue;
    }
    entry.components = components;
    entry.key = keyOf(components);
    const hit = await o.cache.get(entry.key);
    let usable = false;
    if (hit) {
      usable = true;
      for (const d of referencedObjects(hit.record)) if (!(await o.cache.hasObject(d))) usable = false;
    }
    // A node that will run has outputs unknown until it runs, even when an old result exists.
    if (!node.cache || type.cacheable === false) entry.reasons.push('not cacheable');
    else if (forced.has(id)) entry.reasons.push('forced');
    else if (usable && hit) {
      entry.action = 'cached';
      known.set(id, hit.record.outputs);
      continue;
    }
    if (entry.reasons.length > 0) continue;
    if (!lastEntry) entry.reasons.push('new');
    else if (lastEntry.key === entry.key) entry.reasons.push('not in the cache');
    else {
      const why = diffComponents(lastEntry.components, components, (port) => portSources(node, port));
      entry.reasons.push(...(why.length > 0 ? why : ['key changed']));
    }
  }
  return entries;
}

/** Reasons that need no input digests: type version, params, input files vs the last run. */
function staticReasons(node: ResolvedNode, typeVersion: number, last: KeyComponents): string[] {
  const now: KeyComponents = { ...last, type: node.type, typeVersion, params: node.params };
  return diffComponents(last, now);
}
