/**
 * Loading a pipeline the way every command and program should: the DSL's load (text ->
 * validated, expanded, resolved graph), then the node types' static checks over params and the
 * static facts of inputs (src/executor/static-check.ts). Here, above both, because the DSL reads
 * node types only as schemas and must not import them.
 */
import { loadPipeline as loadDsl, loadPipelineText as loadDslText, type LoadOptions, type LoadResult } from './dsl/index.js';
import { checkGraph, type NodeTypeLookup } from './executor/index.js';

export interface CheckedLoadOptions extends LoadOptions {
  /** Node type lookup for the static checks; the registry by default. */
  lookup?: NodeTypeLookup;
}

async function withChecks(result: LoadResult, lookup: NodeTypeLookup | undefined): Promise<LoadResult> {
  if (!result.graph) return result;
  const problems = await checkGraph(result.graph, lookup);
  if (problems.length === 0) return result;
  return { diagnostics: [...result.diagnostics, ...problems], sources: result.sources };
}

/** Read, validate, expand, resolve and statically check a pipeline file; never throws for a bad pipeline. */
export async function loadPipeline(file: string, opts: CheckedLoadOptions = {}): Promise<LoadResult> {
  return withChecks(await loadDsl(file, opts), opts.lookup);
}

/** The same for text already in hand (`file` names it in messages). */
export async function loadPipelineText(file: string, text: string, opts: CheckedLoadOptions = {}): Promise<LoadResult> {
  return withChecks(loadDslText(file, text, opts), opts.lookup);
}
