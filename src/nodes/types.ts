/**
 * The contract between node types (src/nodes), the DSL (which only sees their schemas) and the
 * executor (which runs them through the registry). Nothing here imports ML code: node files
 * import `src/ml` lazily inside `run`, so planning and warm reruns never load a tensor backend.
 */

/** What flows along an edge. The DSL checks that an input port receives the right type. */
export type PortType =
  | 'any'
  | 'json'
  | 'files'
  | 'dataset'
  | 'tokenizer'
  | 'model'
  | 'evaluation'
  | 'predictions'
  | 'signals'
  | 'scores'
  | 'ablation'
  | 'fusion';

export interface PortDecl {
  type: PortType;
  description: string;
  /** Input only: the `with` key takes a list of references (or a glob such as `${score.*}`). */
  many?: boolean;
  /** Input only: the `with` key may be absent. */
  optional?: boolean;
  /**
   * Output only: the files of this port (a `FilesManifest`) are meant for people and are
   * materialized into `results/<pipeline>/<node id>/` on every run, cached or not.
   */
  publish?: boolean;
}

/** A JSON Schema (draft 2020-12 subset that ajv understands) for one `with` parameter. */
export type JsonSchema = Record<string, unknown>;

/** Reference to an immutable blob in the content-addressed store (sha256 of its bytes, hex). */
export interface BlobRef {
  $blob: string;
  size: number;
}

export type TensorDType = 'F32' | 'I32' | 'F16' | 'BF16' | 'U8' | 'I64' | 'F64';

/**
 * Reference to one tensor, stored as a blob holding a single-tensor safetensors file (tensor
 * name `tensor`, so identical tensors under different names share one blob).
 */
export interface TensorRef {
  $tensor: string;
  dtype: TensorDType;
  shape: number[];
}

/**
 * A manifest is any JSON value; wherever a BlobRef or TensorRef object appears in it, the
 * executor knows it points into the store (for gc, verify, transport to workers). The digest of
 * an artifact is sha256 of the canonical JSON of {type, manifest}, so it is a content hash.
 */
export type Manifest = unknown;

/** A set of files, e.g. a shell node's declared outputs or a report folder. Keys are relative paths. */
export interface FilesManifest {
  files: Record<string, BlobRef>;
}

/** An input as a node receives it. */
export interface Artifact {
  type: PortType;
  manifest: Manifest;
  /** Content digest (sha256 hex) of {type, manifest}. */
  digest: string;
  /** The producing node id and port, for messages. */
  from: { node: string; port: string };
}

export interface TensorData {
  dtype: TensorDType;
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array | Float64Array | BigInt64Array | Uint16Array;
}

export interface Progress {
  /** Units done and total for a bar (e.g. steps); message is a short status such as `loss 0.52`. */
  done: number;
  total: number;
  message?: string;
}

/** What a running node may do. The executor provides it, in process or in a worker subprocess. */
export interface NodeContext {
  /** The expanded node id, e.g. `score.weight-entropy`; use it in error messages. */
  readonly nodeId: string;
  /** Directory of the pipeline file; relative paths in params resolve against it. */
  readonly pipelineDir: string;
  /** A fresh temporary directory for this execution, deleted afterwards. */
  readonly tmpDir: string;
  /** Tensor backend requested on the command line (`auto` by default). */
  readonly backend: string;
  readonly signal: AbortSignal;

  /** Append a line to the node's log file. */
  log(message: string): void;
  progress(p: Progress): void;
  /** Extra facts recorded in the run record (e.g. `{backend: 'wasm'}`), never part of the key. */
  record(facts: Record<string, unknown>): void;

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
}

export interface NodeType<P = Record<string, unknown>> {
  /** Type id as written after `uses:`, e.g. `model/train`. */
  readonly type: string;
  /** Bump when the node's behaviour changes: it changes every key of this type. */
  readonly version: number;
  readonly description: string;
  /** `with` parameters that are plain values (not references), as JSON Schema properties. */
  readonly params: Record<string, JsonSchema>;
  /** Names of required params (those without a default). */
  readonly required?: readonly string[];
  /** `with` keys that take references to other nodes' outputs. */
  readonly inputs: Record<string, PortDecl>;
  /** Output ports; the first one is the default port that `${id}` refers to. */
  readonly outputs: Record<string, PortDecl>;
  /** Resource slots a running instance takes from pools (e.g. `{gpu: 1}`); pipelines may override. */
  readonly resources?: Record<string, number>;
  /** Run in a worker subprocess (tensor work: TF.js WASM is single-threaded). */
  readonly worker?: boolean;
  /** False when the node has undeclared inputs or unseeded randomness: it always runs. */
  readonly cacheable?: boolean;
  run(ctx: NodeContext, params: P, inputs: Record<string, Artifact | Artifact[] | undefined>): Promise<Record<string, Manifest>>;
  /**
   * Files outside the cache that a run reads (paths or simple globs relative to the pipeline
   * dir, taken from params): the executor hashes their content into the key, so editing one
   * reruns the node. A missing file is an error naming the node and the path.
   */
  inputFiles?(params: P): readonly string[];
  /**
   * Put cached outputs back where users expect them (e.g. shell's declared output files). The
   * executor calls it on every cache hit, before any dependent starts. Must be idempotent.
   */
  restore?(ctx: RestoreContext, params: P, outputs: Record<string, Manifest>): Promise<void>;
}

/** What `NodeType.restore` may use: reading the store, never writing to it. */
export type RestoreContext = Pick<NodeContext, 'nodeId' | 'pipelineDir' | 'signal' | 'getBytes' | 'blobPath'>;

/** An error a node raises for bad input; the executor prints it with the node id, no stack. */
export class NodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NodeError';
  }
}
