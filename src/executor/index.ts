/**
 * The executor's public surface: plan and run pipeline graphs against a content-addressed
 * cache, run one node (run-node, cluster jobs), read results back, look after the cache. Knows
 * nothing about ML; node types come in through the registry (re-exported here for the CLI's
 * `nodes` and `schema` commands) or an injected lookup.
 */
export { runPipeline, type NodeResult, type RunOptions, type RunSummary } from './executor.js';
export { runNode, type RunNodeOptions } from './run-node.js';
export { checkGraph, siteOf } from './static-check.js';
export type { NodeTypeLookup } from './components.js';
export { planPipeline, type PlanEntry, type PlanOptions } from './planner.js';
export { cachedResult, jsonBlobs, parseJsonOrLines, readJsonBlob, type CachedResult } from './results.js';
export { CorruptObjectError, PlanError } from './errors.js';
export type { Cache, CacheHit, IndexRecord, Lock, OutputRecord, RunFacts } from './cache.js';
export { FsCache, referencedObjects } from './fs-cache.js';
export { indexRecordProblem, parseIndexRecord, parseMemoEntry, type MemoEntry } from './records.js';
export { MemoryCache } from './memory-cache.js';
export { diffComponents, keyOf, KEY_VERSION, type KeyComponents } from './key.js';
export { lockFilePath, readPipelineLock, type LockedNode, type PipelineLock } from './pipeline-lock.js';
export { verifyCache, type VerifyReport } from './verify.js';
export { GC_GRACE_MS, gcCache, type GcOptions, type GcReport } from './gc.js';
export type { ExecutorEvent, FailurePolicy, Logger, NodeStatus } from './status.js';
export { getNodeType, registry } from '../nodes/registry.js';
export { LocalRunner, type LocalRunnerOptions } from './local-runner.js';
export { RunnerCancelled, RunnerError, type NodeRunner, type RunRequest } from './runner.js';
export { SlurmRunner, type SlurmRunnerOptions } from './slurm/slurm-runner.js';
