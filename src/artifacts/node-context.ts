/**
 * What a running node may do (NodeContext) and what a cache hit's restore may do
 * (RestoreContext). The executor provides both, in process or in a worker subprocess; src/ml
 * functions that store or read blobs take the parts they need (`Pick<NodeContext, ...>`).
 */
import type { BlobRef, FilesManifest, ComputeSettings, Progress, TensorData, TensorRef } from './types.js';

/** The pipeline a node runs in, for node types that declare `pipelineInfo` (part of their key). */
export interface PipelineInfo {
  /** `name:` of the pipeline file. */
  name: string;
  /** Final param values after `--set`. */
  params: Record<string, unknown>;
}

export interface NodeContext {
  /** The expanded node id, e.g. `score.weight-entropy`; use it in error messages. */
  readonly nodeId: string;
  /** Only for node types that declare `pipelineInfo: true`. */
  readonly pipeline?: PipelineInfo;
  /** Directory of the pipeline file; relative paths in params resolve against it. */
  readonly pipelineDir: string;
  /** A fresh temporary directory for this execution, deleted afterwards. */
  readonly tmpDir: string;
  /** Tensor backend requested on the command line (`auto` by default). */
  readonly backend: string;
  /** Inference engine, ONNX Runtime provider and threads requested on the command line. */
  readonly compute: ComputeSettings;
  readonly signal: AbortSignal;

  /** Append a line to the node's log file. */
  log(message: string): void;
  progress(p: Progress): void;
  /** Extra facts recorded in the run record (e.g. `{backend: 'wasm'}`), never part of the key. */
  record(facts: Record<string, unknown>): void;
  /**
   * Something a person must know that does not fail the node (e.g. a trained model no better
   * than always predicting the majority class). Shown as it happens and in the run's summary,
   * logged, and kept in the run record, so a later run that reuses the cached result shows it
   * again.
   */
  warn(message: string): void;

  putBytes(bytes: Uint8Array): Promise<BlobRef>;
  /** Store a file's bytes (the file is copied; the caller may delete it). */
  putFile(path: string): Promise<BlobRef>;
  putTensor(t: TensorData): Promise<TensorRef>;
  getBytes(ref: BlobRef): Promise<Uint8Array>;
  /** Read-only path of a stored blob (do not write to it). */
  blobPath(ref: BlobRef): string;
  getTensor(ref: TensorRef): Promise<TensorData>;

  /**
   * Get-or-compute a JSON value memoized in the cache under the canonical JSON of `key`, across
   * nodes and runs (e.g. evaluations keyed by model digest, kept layers, split digest, backend).
   * Concurrent callers with the same key compute it once.
   */
  memo<T>(key: unknown, compute: () => Promise<T>): Promise<T>;

  /**
   * Tell the executor about a process this node started (a shell command in its own group):
   * the node's key stays locked while that process lives, so a run started after this one was
   * killed waits for it instead of running the same node beside it.
   */
  spawned?(pid: number): void;
}

/** What `NodeDecl.restore` may use: reading the store and copying files out of it, never writing to it. */
export interface RestoreContext {
  readonly nodeId: string;
  readonly pipelineDir: string;
  readonly signal: AbortSignal;
  getBytes(ref: BlobRef): Promise<Uint8Array>;
  blobPath(ref: BlobRef): string;
  /**
   * Write every file of `files` under `baseDir` (keys are relative paths), each copy checked
   * against its digest and renamed into place; files that already match are left alone.
   */
  writeFiles(files: FilesManifest, baseDir: string): Promise<void>;
}
