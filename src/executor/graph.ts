/**
 * Pure graph helpers over a PipelineGraph (lage `target-graph` style): dependencies of a node,
 * the closure an `--only` selection needs, and what lies downstream of a node.
 */
import { Graph, alg } from '@dagrejs/graphlib';
import { didYouMean } from '../dsl/did-you-mean.js';
import type { PipelineGraph, ResolvedNode } from '../dsl/types.js';
import { PlanError } from './errors.js';

/** Upstream node ids of a node: every referenced output plus `needs:`, deduplicated, sorted. */
export function dependenciesOf(node: ResolvedNode): string[] {
  const deps = new Set<string>(node.needs);
  for (const ref of Object.values(node.inputs)) {
    for (const r of Array.isArray(ref) ? ref : [ref]) deps.add(r.node);
  }
  return [...deps].sort();
}

/**
 * graphlib keeps nodes in plain objects and tests them with `in`, so a node id such as
 * `constructor` or `__proto__` would already be "there" (a phantom cycle) or be dropped. Its
 * node names are therefore our ids behind a prefix no id can start with (ids begin with a
 * letter or `_`); `fromG` strips it from what graphlib hands back.
 */
const G_PREFIX = '#';
const toG = (id: string): string => G_PREFIX + id;
const fromG = (name: string): string => name.slice(G_PREFIX.length);

/** The graph in graphlib form; its node names are `toG(id)`. */
function toGraphlib(graph: PipelineGraph): Graph {
  const g = new Graph({ directed: true });
  for (const id of graph.nodes.keys()) g.setNode(toG(id));
  for (const node of graph.nodes.values()) {
    for (const dep of dependenciesOf(node)) {
      if (!graph.nodes.has(dep)) throw new Error(`graph: node ${node.id} depends on unknown node ${dep}`);
      g.setEdge(toG(dep), toG(node.id));
    }
  }
  if (!alg.isAcyclic(g)) throw new Error('graph: the pipeline graph has a cycle');
  return g;
}

/** Node ids in a deterministic topological order (ties by id). */
export function topologicalOrder(graph: PipelineGraph): string[] {
  const g = toGraphlib(graph);
  const indegree = new Map<string, number>();
  for (const id of graph.nodes.keys()) indegree.set(id, (g.predecessors(toG(id)) ?? []).length);
  const ready = [...indegree].filter(([, d]) => d === 0).map(([id]) => id).sort();
  const out: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift() as string;
    out.push(id);
    for (const next of (g.successors(toG(id)) ?? []).map(fromG).sort()) {
      const d = (indegree.get(next) ?? 0) - 1;
      indegree.set(next, d);
      if (d === 0) {
        ready.push(next);
        ready.sort();
      }
    }
  }
  return out;
}

/** The selected ids plus everything they need, transitively. */
export function upstreamClosure(graph: PipelineGraph, ids: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const stack = [...ids];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (out.has(id)) continue;
    out.add(id);
    const node = graph.nodes.get(id);
    if (node) for (const d of dependenciesOf(node)) stack.push(d);
  }
  return out;
}

/** Every node downstream of the given ones (not including them). */
export function downstreamOf(graph: PipelineGraph, ids: Iterable<string>): Set<string> {
  const g = toGraphlib(graph);
  const out = new Set<string>();
  const stack = [...ids];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    for (const next of (g.successors(toG(id)) ?? []).map(fromG)) {
      if (!out.has(next)) {
        out.add(next);
        stack.push(next);
      }
    }
  }
  return out;
}

/**
 * Resolve `--only` / `--force` names: an exact node id, or a group (the id as written before
 * expansion, e.g. `score` for every `score.*`). Unknown names are returned separately.
 */
export function selectNodes(graph: PipelineGraph, names: readonly string[]): { ids: Set<string>; unknown: string[] } {
  const ids = new Set<string>();
  const unknown: string[] = [];
  for (const name of names) {
    if (graph.nodes.has(name)) {
      ids.add(name);
      continue;
    }
    const group = [...graph.nodes.values()].filter((n) => n.group === name).map((n) => n.id);
    if (group.length === 0) unknown.push(name);
    for (const id of group) ids.add(id);
  }
  return { ids, unknown };
}

/**
 * What a run or plan covers: `--only` names and what they need (everything when none), and the
 * `--force`d ids. An unknown name is a PlanError naming the closest id or group.
 */
export function runSelection(graph: PipelineGraph, only: readonly string[] = [], force: readonly string[] = []): { selected: Set<string>; forced: Set<string> } {
  const o = selectNodes(graph, only);
  const f = selectNodes(graph, force);
  const unknown = [...o.unknown, ...f.unknown];
  if (unknown.length > 0) {
    const names = new Set([...graph.nodes.keys(), ...[...graph.nodes.values()].map((n) => n.group)]);
    throw new PlanError(unknown.map((u) => `no node or group \`${u}\` in the pipeline${didYouMean(u, names)}`).join('\n'));
  }
  return { selected: only.length > 0 ? upstreamClosure(graph, o.ids) : new Set(graph.nodes.keys()), forced: f.ids };
}
