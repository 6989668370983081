/**
 * The cache interface every store implements (house style after wireit `caching/cache.ts`):
 * `get` returns a hit that the executor applies when it chooses; `set` may decline. One
 * conformance suite (test/executor/cache-conformance.ts) runs against every implementation.
 */
import type { BlobRef, Manifest, PortType } from '../artifacts/index.js';
import type { CorruptObjectError } from './errors.js';
import type { KeyComponents } from './key.js';

/** Facts about one execution, appended to its index record; never part of the key. */
export interface RunFacts {
  node: string;
  startedAt: string;
  durationMs: number;
  pid: number;
  host: string;
  worker: boolean;
  /**
   * A local worker's ordinal of this job: 1 when the node started the worker process, n when
   * the process had run n - 1 nodes before it (worker reuse). Absent in process and on Slurm.
   */
  workerJob?: number;
  /** Whatever the node passed to ctx.record (e.g. the tensor backend that ran). */
  facts: Record<string, unknown>;
}

export interface OutputRecord {
  type: PortType;
  digest: string;
  manifest: Manifest;
}

/** What `index/<key>` holds: a node's outputs per port, plus how they were made. */
export interface IndexRecord {
  format: 1;
  key: string;
  /** The node id that produced it (another node with the same components shares the entry). */
  node: string;
  components: KeyComponents;
  outputs: Record<string, OutputRecord>;
  /** The node's log of its latest run, stored as a blob. */
  log?: BlobRef;
  /** Latest last; capped so forced reruns do not grow it without bound. */
  runs: RunFacts[];
}

export interface CacheHit {
  readonly record: IndexRecord;
  /**
   * Use the hit: marks the entry used (gc keeps recently used entries) and confirms every
   * object it references exists. False means the entry cannot be used: treat it as a miss.
   */
  apply(): Promise<boolean>;
}

export interface Lock {
  release(): Promise<void>;
  /**
   * Another process works for this holder (a worker subprocess, a command a node started): the
   * lock stays held while it lives, even if this process dies, so nothing runs the key twice.
   */
  addHolder(pid: number): Promise<void>;
}

export interface BlobStore {
  putBytes(bytes: Uint8Array): Promise<BlobRef>;
  /** Copies the file (the caller may delete it afterwards). */
  putFile(path: string): Promise<BlobRef>;
  /** The object's bytes, checked against the digest (a corrupt object throws CorruptObjectError and leaves the store). */
  getBytes(digest: string): Promise<Uint8Array>;
  /** A path holding the object's bytes, for readers that want a file (never write to it). */
  blobPath(digest: string): string;
  hasObject(digest: string): Promise<boolean>;
  /**
   * Rehash one object. A corrupt one is moved out of the store (entries referencing it become
   * misses) and described by the returned error; undefined when it is sound or absent.
   */
  checkObject(digest: string): Promise<CorruptObjectError | undefined>;
}

export interface Cache extends BlobStore {
  /** Human description for messages, e.g. the cache directory. */
  readonly description: string;
  /** Filesystem root when the cache lives on disk (workers need one); undefined in memory. */
  readonly dir: string | undefined;
  /**
   * The entry under `key`; undefined for a miss. A malformed or hand-edited entry is a miss;
   * given `onCorrupt` (the run path), the store also puts it aside (the node runs again) and
   * tells it what was wrong.
   */
  get(key: string, onCorrupt?: (message: string) => void): Promise<CacheHit | undefined>;
  /** Store a success. Declines (false) when a referenced object is missing. */
  set(key: string, record: IndexRecord): Promise<boolean>;
  /** A memoized value; a corrupt one (its digest does not match) is a miss, put aside and told to `onCorrupt` when given. */
  getMemo(memoKey: string, onCorrupt?: (message: string) => void): Promise<{ value: unknown } | undefined>;
  setMemo(memoKey: string, value: unknown): Promise<boolean>;
  /**
   * Exclusive lock on a name (a key, or `memo-<digest>`), held across processes for the FS
   * store. Waits until free; rejects with the signal's reason when aborted while waiting.
   */
  lock(name: string, signal?: AbortSignal): Promise<Lock>;
  /** The same lock if it is free now (a stale holder's is taken over), else undefined at once. */
  tryLock(name: string): Promise<Lock | undefined>;
  /** Where a live log for this name goes while a node runs. */
  logPath(name: string): string;
  /** A fresh directory for one execution's scratch files. */
  makeTmpDir(): Promise<string>;
}
