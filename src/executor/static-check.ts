/**
 * Static checks: before anything runs, every node type's `check` sees its params and the static
 * facts of its inputs (what upstream declarations derive from their own params, e.g. a trained
 * model's layer count), and reports mistakes at the position of the offending value. Facts flow
 * in the graph's topological order through each type's `facts`. `validate`, `plan` and `run` all
 * go through here (src/load-pipeline.ts), so a mistake knowable from the file never costs a
 * training run.
 */
import type { Diagnostic, Location, PipelineGraph, ResolvedNode } from '../dsl/types.js';
import type { CheckContext, InputFacts, InputFactsMap, NodeType, StaticFacts } from '../artifacts/index.js';
import { getNodeType } from '../nodes/registry.js';
import { errorMessage } from './errors.js';
import type { NodeTypeLookup } from './components.js';

/** Where `at` (a param path such as `layers.0`, or an input port) is written; the longest known prefix wins. */
export function siteOf(node: ResolvedNode, at: string | undefined): Location {
  const sites = node.sites;
  if (!sites) return node.location;
  if (at === undefined) return sites.with;
  if (sites.inputs[at]) return sites.inputs[at];
  for (let path = at; path !== ''; path = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '') {
    const loc = sites.params[path];
    if (loc) return loc;
  }
  return sites.with;
}

/** Run every node's static check over the graph; the problems found, by position. */
export async function checkGraph(graph: PipelineGraph, lookup: NodeTypeLookup = getNodeType): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  const outputFacts = new Map<string, Record<string, StaticFacts>>();
  for (const node of graph.nodes.values()) {
    const type = lookup(node.type);
    if (!type) continue; // the DSL reported it
    const inputs = inputFactsOf(node, type, graph, outputFacts, lookup);
    const report = (message: string, at?: string): void => {
      diagnostics.push({ severity: 'error', message: `node \`${node.id}\` (${node.type}): ${message}`, location: siteOf(node, at) });
    };
    if (type.check) {
      const ctx: CheckContext<never> = { nodeId: node.id, params: node.params as never, inputs, pipelineDir: graph.dir, error: report };
      try {
        await type.check(ctx);
      } catch (e) {
        report(`its static check failed: ${errorMessage(e)}`);
      }
    }
    let facts: Record<string, StaticFacts> = {};
    if (type.facts) {
      try {
        facts = type.facts(node.params as never, inputs);
      } catch {
        facts = {}; // unknown facts only weaken later checks
      }
    }
    outputFacts.set(node.id, facts);
  }
  // In the order the DSL prints its own: by file, then position.
  return diagnostics.sort((a, b) => {
    if (a.location.file !== b.location.file) return a.location.file < b.location.file ? -1 : 1;
    return (a.location.range?.offset ?? -1) - (b.location.range?.offset ?? -1) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
  });
}

function inputFactsOf(
  node: ResolvedNode,
  type: NodeType<never>,
  graph: PipelineGraph,
  outputFacts: ReadonlyMap<string, Record<string, StaticFacts>>,
  lookup: NodeTypeLookup,
): InputFactsMap {
  const out: Record<string, InputFacts | InputFacts[]> = {};
  const one = (ref: { node: string; port: string }): InputFacts => {
    const up = graph.nodes.get(ref.node);
    const portType = (up && lookup(up.type)?.outputs[ref.port]?.type) ?? 'any';
    return { node: ref.node, port: ref.port, type: portType, facts: outputFacts.get(ref.node)?.[ref.port] ?? {} };
  };
  for (const [port, ref] of Object.entries(node.inputs)) {
    if (ref === undefined) continue;
    out[port] = Array.isArray(ref) || type.inputs[port]?.many ? (Array.isArray(ref) ? ref : [ref]).map(one) : one(ref);
  }
  return out;
}
