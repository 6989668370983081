/**
 * layerfuse as a library: load and validate a pipeline, plan it, run it (or one node of it)
 * against a cache, and read results back. The `layerfuse` CLI is a thin shell over this.
 *
 *   import { loadPipeline, formatDiagnostics, FsCache, resolveStore, runPipeline, cachedResult } from 'layerfuse';
 *   // validated, expanded, resolved and statically checked (nothing runs):
 *   const { graph, diagnostics, sources } = await loadPipeline('pipelines/hello.yaml', { sets: ['seed=7'] });
 *   if (!graph) throw new Error(formatDiagnostics(diagnostics, sources));
 *   const cache = new FsCache(resolveStore({ pipelineFile: graph.file }).cacheDir); // <project root>/cache
 *   const summary = await runPipeline(graph, { cache });
 *   const result = await cachedResult(graph, 'report', cache); // outputs by port, run records
 */
export { loadPipeline, loadPipelineText, type CheckedLoadOptions } from './load-pipeline.js';
export { findProjectRoot, resolveStore, ROOT_MARKERS, type ProjectRoot, type Store, type StoreRequest } from './project-root.js';
export {
  formatDiagnostic,
  formatDiagnostics,
  loadSlurmProfile,
  toDot,
  toMermaid,
  type Diagnostic,
  type InputRef,
  type LoadOptions,
  type LoadResult,
  type Location,
  type PipelineGraph,
  type ResolvedNode,
  type SlurmProfile,
} from './dsl/index.js';
export * from './executor/index.js';
export {
  artifactDigest,
  NodeError,
  type Artifact,
  type BlobRef,
  type FilesManifest,
  type Manifest,
  type NodeContext,
  type NodeDecl,
  type NodeType,
  type PortDecl,
  type PortType,
  type Progress,
  type TensorRef,
} from './artifacts/index.js';
