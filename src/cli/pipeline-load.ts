/**
 * Shared by the commands that take a PIPELINE: load it through the DSL and print any
 * diagnostics to stderr. Returns the graph, or undefined when the pipeline is invalid (the
 * caller exits 2).
 */
import { formatDiagnostics, loadPipeline, type PipelineGraph } from '../dsl/index.js';
import { writeErr } from './output.js';

export async function loadOrReport(file: string, sets: string[] = []): Promise<PipelineGraph | undefined> {
  const result = await loadPipeline(file, { sets });
  if (result.diagnostics.length > 0) writeErr(formatDiagnostics(result.diagnostics, result.sources));
  if (!result.graph) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    writeErr(`${errors} error${errors === 1 ? '' : 's'} in ${file}\n`);
  }
  return result.graph;
}
