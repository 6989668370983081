/**
 * The NodeContext a running node gets, the same in process and in a worker subprocess: blobs
 * and tensors go to the content-addressed store, logs to the node's log file, progress to a
 * callback (the logger in process, IPC in a worker), facts into the run record.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { availableParallelism } from 'node:os';
import type { BlobRef, ComputeSettings, NodeContext, PipelineInfo, Progress, TensorData, TensorRef } from '../artifacts/index.js';
import type { Cache } from './cache.js';
import { canonicalJson, digestOf } from '../artifacts/canonical-json.js';
import { decodeTensor, encodeTensor } from '../artifacts/safetensors.js';

export interface ContextOptions {
  nodeId: string;
  pipelineDir: string;
  pipeline?: PipelineInfo;
  tmpDir: string;
  backend: string;
  /** Default: engine auto on the CPU provider with every core. */
  compute?: ComputeSettings;
  signal: AbortSignal;
  cache: Cache;
  logFile: string;
  onProgress?: (p: Progress) => void;
  onLog?: (line: string) => void;
  /** A process the node started (see NodeContext.spawned). */
  onSpawned?: (pid: number) => void;
  /** Something a person should know that does not fail the node (a corrupt memo entry replaced). */
  onWarning?: (message: string) => void;
}

/** Compute settings of a run that asks for nothing: engine auto, CPU provider, `jobs` nodes sharing the cores, single-threaded WASM. */
export function defaultCompute(jobs = 1): ComputeSettings {
  return { engine: 'auto', provider: 'cpu', threads: Math.max(1, Math.floor(availableParallelism() / Math.max(1, jobs))), wasmThreads: 1 };
}

/** In-flight memo computations per cache, so concurrent callers in one process compute once. */
const inflight = new WeakMap<Cache, Map<string, Promise<unknown>>>();

export class ExecContext implements NodeContext {
  readonly nodeId: string;
  readonly pipelineDir: string;
  readonly pipeline?: PipelineInfo;
  readonly tmpDir: string;
  readonly backend: string;
  readonly compute: ComputeSettings;
  readonly signal: AbortSignal;
  readonly logFile: string;
  /** Everything passed to record(), merged; goes into the run record. */
  readonly facts: Record<string, unknown> = {};
  /** Everything passed to warn(), in order; goes into the run record as `facts.warnings`. */
  readonly warnings: string[] = [];
  private readonly cache: Cache;
  private readonly onProgress: ((p: Progress) => void) | undefined;
  private readonly onLog: ((line: string) => void) | undefined;
  private readonly onSpawned: ((pid: number) => void) | undefined;
  private readonly onWarning: ((message: string) => void) | undefined;

  constructor(o: ContextOptions) {
    this.nodeId = o.nodeId;
    this.pipelineDir = o.pipelineDir;
    if (o.pipeline) this.pipeline = o.pipeline;
    this.tmpDir = o.tmpDir;
    this.backend = o.backend;
    this.compute = o.compute ?? defaultCompute();
    this.signal = o.signal;
    this.cache = o.cache;
    this.logFile = o.logFile;
    this.onProgress = o.onProgress;
    this.onLog = o.onLog;
    this.onSpawned = o.onSpawned;
    this.onWarning = o.onWarning;
    mkdirSync(dirname(o.logFile), { recursive: true });
  }

  log(message: string): void {
    // Synchronous append: a line logged just before a crash is still in the file.
    appendFileSync(this.logFile, message.endsWith('\n') ? message : message + '\n');
    this.onLog?.(message);
  }

  spawned(pid: number): void {
    this.onSpawned?.(pid);
  }

  progress(p: Progress): void {
    this.onProgress?.(p);
  }

  record(facts: Record<string, unknown>): void {
    Object.assign(this.facts, facts);
  }

  warn(message: string): void {
    this.warnings.push(message);
    this.log(`warning: ${message}`);
    this.onWarning?.(message);
  }

  putBytes(bytes: Uint8Array): Promise<BlobRef> {
    return this.cache.putBytes(bytes);
  }

  putFile(path: string): Promise<BlobRef> {
    return this.cache.putFile(path);
  }

  async putTensor(t: TensorData): Promise<TensorRef> {
    const ref = await this.cache.putBytes(encodeTensor(t));
    return { $tensor: ref.$blob, dtype: t.dtype, shape: [...t.shape] };
  }

  getBytes(ref: BlobRef): Promise<Uint8Array> {
    return this.cache.getBytes(ref.$blob);
  }

  blobPath(ref: BlobRef): string {
    return this.cache.blobPath(ref.$blob);
  }

  async getTensor(ref: TensorRef): Promise<TensorData> {
    const t = decodeTensor(await this.cache.getBytes(ref.$tensor), `tensor ${ref.$tensor}`);
    if (t.dtype !== ref.dtype || t.shape.join(',') !== ref.shape.join(',')) {
      throw new Error(
        `node ${this.nodeId}: tensor ${ref.$tensor} is ${t.dtype}[${t.shape.join(',')}] but its ref says ${ref.dtype}[${ref.shape.join(',')}]`,
      );
    }
    return t;
  }

  memo<T>(key: unknown, compute: () => Promise<T>): Promise<T> {
    // A corrupt memo entry is told now, not kept in the run record as warn() does: it was
    // replaced, and a later hit on this node's result has nothing left to warn about.
    return memoize(this.cache, key, compute, this.signal, (message) => {
      this.log(`warning: ${message}`);
      this.onWarning?.(message);
    });
  }
}

/**
 * Get-or-compute a JSON value under the canonical JSON of `key`: in-process callers share one
 * promise, other processes wait on a `memo-<digest>` lock and then read the stored value. The
 * value comes back as JSON (a fresh value from compute is round-tripped too), so callers see
 * the same shape whether it was computed or read.
 */
export async function memoize<T>(cache: Cache, key: unknown, compute: () => Promise<T>, signal?: AbortSignal, onCorrupt?: (message: string) => void): Promise<T> {
  const memoKey = digestOf({ memo: key });
  let map = inflight.get(cache);
  if (!map) {
    map = new Map();
    inflight.set(cache, map);
  }
  const existing = map.get(memoKey);
  if (existing) return existing as Promise<T>;
  const p = (async (): Promise<T> => {
    const stored = await cache.getMemo(memoKey, onCorrupt);
    if (stored) return stored.value as T;
    const lock = await cache.lock(`memo-${memoKey}`, signal);
    try {
      const again = await cache.getMemo(memoKey, onCorrupt);
      if (again) return again.value as T;
      const value = JSON.parse(canonicalJson(await compute())) as T;
      await cache.setMemo(memoKey, value);
      return value;
    } finally {
      await lock.release();
    }
  })();
  map.set(memoKey, p);
  try {
    return await p;
  } finally {
    map.delete(memoKey);
  }
}
