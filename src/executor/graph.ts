/**
 * Pure graph helpers over a PipelineGraph (lage `target-graph` style): dependencies of a node and
 * the closure an `--only` selection needs. The graph's nodes come in topological order from the
 * DSL (src/dsl/graph.ts `topoOrder`, the one topological sort), so nothing here sorts.
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
 * `constructor` or `__proto__` would already be "there" or be dropped. Its node names are
 * therefore our ids behind a prefix no id can start with (ids begin with a letter or `_`).
 */
const G_PREFIX = '#';
const toG = (id: string): string => G_PREFIX + id;

/** Where a reachability search starts: not a valid graphlib name for any id (no prefix). */
const ROOT = '\0selection';

/**
 * The selected ids plus everything they need, transitively. A graphlib search over dependency
 * edges from a virtual root joined to the selection; graphlib's Dijkstra is iterative, unlike
 * its depth-first algorithms, which overflow the stack on dependency chains a few thousand long.
 */
export function upstreamClosure(graph: PipelineGraph, ids: Iterable<string>): Set<string> {
  const g = new Graph({ directed: true });
  for (const node of graph.nodes.values()) {
    g.setNode(toG(node.id));
    for (const dep of dependenciesOf(node)) g.setEdge(toG(node.id), toG(dep));
  }
  for (const id of ids) g.setEdge(ROOT, toG(id));
  if (!g.hasNode(ROOT)) return new Set();
  const paths = alg.dijkstra(g, ROOT);
  const out = new Set<string>();
  for (const name of Object.keys(paths)) {
    if (name !== ROOT && paths[name]!.distance < Infinity) out.add(name.slice(G_PREFIX.length));
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
