/**
 * `layerfuse explain PIPELINE NODE`: the node's cache key components, pretty: what its key is
 * made of, whether it is cached, and how it differs from the last run in the lock file.
 */
import type { PipelineGraph } from '../../dsl/index.js';
import { prettyCanonicalJson } from '../../artifacts/canonical-json.js';
import { diffComponents, planPipeline, type PlanEntry } from '../../executor/index.js';
import { openStore } from '../cache-dir.js';
import { CACHE_DIR_OPTION, parseCommand, runCommand, SET_OPTION } from '../command.js';
import { writeOut } from '../output.js';
import { loadGraph, requireNode } from '../pipeline-load.js';

const USAGE = `usage: layerfuse explain PIPELINE NODE [--set key=value]... [--cache-dir DIR]

Print NODE's cache key components: key format version, node type and version, params with
defaults, input digests (upstream output digests) and input file digests.
`;

export function run(argv: string[]): Promise<number> {
  return runCommand('explain', USAGE, async () => {
    const { values, positionals } = parseCommand(argv, { ...SET_OPTION, ...CACHE_DIR_OPTION }, { min: 2, max: 2, what: 'PIPELINE NODE' });
    const [file, nodeId] = positionals as [string, string];
    const graph = await loadGraph(file, values.set ?? []);
    requireNode(graph, file, nodeId);
    const { cache } = await openStore(graph.file, values, 'read');
    const entries = await planPipeline(graph, { cache, only: [nodeId] });
    writeOut(explainText(graph, entries, nodeId));
    return 0;
  });
}

export function explainText(graph: PipelineGraph, entries: PlanEntry[], nodeId: string): string {
  const entry = entries.find((e) => e.id === nodeId);
  if (!entry) throw new Error(`explain: ${nodeId} missing from its own plan`);
  const out: string[] = [`node ${entry.id} (${entry.type})`];
  if (entry.key && entry.components) {
    out.push(`key  ${entry.key}`, `status  ${entry.action === 'cached' ? 'cached' : `would run: ${entry.reasons.join('; ')}`}`, '', 'key components:');
    out.push(prettyCanonicalJson(entry.components).trimEnd());
  } else {
    out.push(`key  unknown until upstream nodes run (${entry.reasons.join('; ')})`);
    const node = graph.nodes.get(nodeId);
    out.push('', 'known key components:', prettyCanonicalJson({ type: node?.type, params: node?.params }).trimEnd());
  }
  if (entry.last) {
    out.push('', `last run (lock file): key ${entry.last.key}`);
    if (entry.components && entry.last.key !== entry.key) out.push(`  differences: ${diffComponents(entry.last.components, entry.components).join('; ') || 'none'}`);
  }
  return out.join('\n') + '\n';
}
