/**
 * The executor's public surface: run and plan pipeline graphs against a content-addressed cache.
 * Knows nothing about ML; node types come in through the registry (or an injected lookup).
 */
export { runPipeline, PlanError, type RunOptions, type RunSummary, type NodeResult } from './executor.js';
export type { Cache, CacheHit, IndexRecord, OutputRecord, RunFacts, Lock, BlobStore } from './cache.js';
export { FsCache } from './fs-cache.js';
export { MemoryCache } from './memory-cache.js';
export { keyOf, diffComponents, KEY_VERSION, type KeyComponents } from './key.js';
export { artifactDigest } from './artifact.js';
export { canonicalJson, digestOf, sha256Hex } from './canonical-json.js';
export { encodeTensor, decodeTensor } from './safetensors.js';
export { isBlobRef, isTensorRef, collectObjectDigests } from './refs.js';
export type { ExecutorEvent, Logger, NodeStatus, FailurePolicy } from './status.js';
export { lockFilePath, readPipelineLock, type PipelineLock, type LockedNode } from './pipeline-lock.js';
export { runJob } from './run-job.js';
export { parseJob, type Job } from './job.js';
