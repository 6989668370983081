/** The DSL's public API: text -> validated, expanded, resolved PipelineGraph. */
export { loadPipeline, loadPipelineText, type LoadOptions, type LoadResult } from './load.js';
export { formatDiagnostics, formatDiagnostic } from './format.js';
export { toMermaid, toDot } from './render-dag.js';
export { loadSchemaStore, clearSchemaCache, defaultSchemasDir, type NodeTypeInfo, type PortInfo } from './schema-store.js';
export type * from './types.js';
export { defaultSlurmProfile, loadSlurmProfile, parseSlurmProfileText, userProfilePath, type ProfileResult, type RetryGrowth, type SlurmProfile } from './slurm-profile.js';
