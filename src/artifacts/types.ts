/**
 * The values every layer shares: what flows along an edge (artifacts and their manifests), the
 * references into the content-addressed store, and tensors as plain typed arrays. Nothing here
 * does anything; the executor stores and moves these values, nodes and src/ml produce them.
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
  | 'fusion'
  /** A pruning curve (src/ml/prune/formats.ts CurveManifest). */
  | 'curve'
  /** A distillation result (src/ml/prune/formats.ts DistillationManifest). */
  | 'distillation';

/** A JSON Schema (draft 2020-12 subset that ajv understands) for one `with` parameter. */
export type JsonSchema = Record<string, unknown>;

/** Reference to an immutable blob in the content-addressed store (sha256 of its bytes, hex). */
export interface BlobRef {
  $blob: string;
  size: number;
}

/** Element types of stored tensors, named as safetensors names them. */
export type DType = 'F32' | 'F16' | 'BF16' | 'F64' | 'I32' | 'I64' | 'U8';

/**
 * A tensor as plain data: row-major `data` of `shape`. F16 and BF16 are raw bits in a
 * Uint16Array; readers of checkpoint files may widen them to F32 (see safetensors.ts).
 */
export interface TensorData {
  dtype: DType;
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array | Float64Array | BigInt64Array | Uint16Array;
}

/**
 * Reference to one tensor, stored as a blob holding a single-tensor safetensors file (tensor
 * name `tensor`, so identical tensors under different names share one blob).
 */
export interface TensorRef {
  $tensor: string;
  dtype: DType;
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
  /** The file a person opens first (a key of `files`, e.g. `report.html`); `run` names it in its summary. Absent: the folder. */
  main?: string;
  /** A few lines `run` prints under that path on a terminal (e.g. the best strategy per dataset). */
  summary?: string[];
}

/** An input as a node receives it. */
export interface Artifact {
  type: PortType;
  manifest: Manifest;
  /** Content digest (sha256 hex) of {type, manifest}: see `artifactDigest`. */
  digest: string;
  /** The producing node id and port, for messages. */
  from: { node: string; port: string };
}

/** A node's inputs by port: one artifact, or a list for a `many` port. */
export type InputArtifacts = Record<string, Artifact | Artifact[]>;

/** A node's outputs by port, as it returns them. */
export type OutputManifests = Record<string, Manifest>;

/**
 * How tensor nodes use the machine, from the command line (`--engine`, `--ort-provider`,
 * `--threads`, `--wasm-threads`); src/ml/engine/select.ts and src/ml/backend.ts read it. Like
 * the tensor backend, never part of a key.
 */
export interface ComputeSettings {
  /** Inference engine: `auto` | `onnxruntime` | `tfjs`. */
  engine: string;
  /** ONNX Runtime execution provider: `cpu` | `cuda`. */
  provider: string;
  /** ONNX Runtime threads per node: `--threads`, else its share of the cores (floor(cores / -j), at least 1). */
  threads: number;
  /** TF.js WASM threads (training, capture, the tfjs engine): 1 = the single-threaded build; more = the threaded build. */
  wasmThreads: number;
  /**
   * The count came from `--wasm-threads auto` (src/executor/wasm-threads.ts), not from the user:
   * where the threaded build cannot start, the node runs the single-threaded one (and records
   * why) instead of failing.
   */
  wasmThreadsAuto?: boolean;
}

export interface Progress {
  /** Units done and total for a bar (e.g. steps); message is a short status such as `loss 0.52`. */
  done: number;
  total: number;
  message?: string;
}
