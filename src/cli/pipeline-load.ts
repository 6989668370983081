/**
 * Shared by the commands that take a PIPELINE: load it through the DSL, run the node types'
 * static checks, and print any diagnostics to stderr. An invalid pipeline throws AlreadyReported (the command exits 2).
 */
import { didYouMean } from '../dsl/did-you-mean.js';
import { formatDiagnostics, type PipelineGraph } from '../dsl/index.js';
import { loadPipeline } from '../load-pipeline.js';
import { AlreadyReported, UsageError } from './command.js';
import { writeErr } from './output.js';

export async function loadGraph(file: string, sets: string[] = []): Promise<PipelineGraph> {
  const result = await loadPipeline(file, { sets });
  if (result.diagnostics.length > 0) writeErr(formatDiagnostics(result.diagnostics, result.sources));
  if (!result.graph) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    writeErr(`${errors} error${errors === 1 ? '' : 's'} in ${file}\n`);
    throw new AlreadyReported();
  }
  return result.graph;
}

/** `layerfuse X: no node 'n' in p.yaml` with the closest ids, for commands that take a NODE. */
export function requireNode(graph: PipelineGraph, file: string, nodeId: string): void {
  if (graph.nodes.has(nodeId)) return;
  throw new UsageError(`no node \`${nodeId}\` in ${file}${didYouMean(nodeId, graph.nodes.keys()) || ` (its nodes: ${[...graph.nodes.keys()].slice(0, 12).join(', ')}${graph.nodes.size > 12 ? ', …' : ''})`}`);
}
